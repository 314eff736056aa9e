package io.tunelab.experiments.quality;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ShiftsTest {

    @Test
    void the_offsets_are_those_the_optuna_script_draws_for_the_same_seed() {
        // /usr/bin/python3 experiments/optuna/quality_shifted.py --print-offsets
        assertThat(Shifts.optimum(0, 1, 3, -32.768, 32.768)).containsExactly(3.4897435123924807, 12.886042595174706, 24.694109167251423);
        assertThat(Shifts.rotation(0, 4, 10)[0]).startsWith(-0.08934099400245221, 0.5114659847358712, 0.4680759481633214);
    }

    @Test
    void a_shifted_optimum_moves_with_the_seed_stays_inside_the_middle_of_the_box_and_repeats_for_a_seed() {
        double[] a = Problem.ACKLEY.optimum(100);
        double[] b = Problem.ACKLEY.optimum(101);
        assertThat(a).isNotEqualTo(b).containsExactly(Problem.ACKLEY.optimum(100));
        for (double v : a) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo(0.8 * 32.768);
        }
        assertThat(java.util.Arrays.stream(a).map(Math::abs).max().orElseThrow()).isGreaterThan(1.0);
    }

    @Test
    void the_value_at_the_shifted_optimum_is_the_known_minimum_and_nothing_nearby_or_at_the_centre_is_lower() {
        var rng = new Random(7);
        for (Problem p : Problem.all()) {
            double[] o = switch (p.name()) {
                case "ackley10-shifted" -> Problem.ACKLEY.optimum(105);
                case "rastrigin10-shifted" -> Problem.RASTRIGIN.optimum(105);
                case "ellipsoid10-rotated" -> Problem.ELLIPSOID.optimum(105);
                case "step10-shifted" -> Problem.STEP.optimum(105);
                case "levy5-shifted" -> Problem.LEVY.optimum(105);
                default -> null;
            };
            if (o == null) {
                continue;
            }
            assertThat(p.value(point(o), 105)).as(p.name()).isCloseTo(p.optimum(), within(1e-9));
            assertThat(p.value(point(new double[o.length]), 105)).as(p.name() + " at the centre").isGreaterThan(p.optimum() + 0.5);
            for (int i = 0; i < 200; i++) {
                double[] near = o.clone();
                near[rng.nextInt(near.length)] += rng.nextGaussian() * 0.3;
                assertThat(p.value(point(near), 105)).as(p.name()).isGreaterThanOrEqualTo(p.optimum());
            }
        }
    }

    @Test
    void the_rotation_is_orthonormal() {
        double[][] r = Shifts.rotation(3, 4, 10);
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                double dot = 0;
                for (int k = 0; k < 10; k++) {
                    dot += r[i][k] * r[j][k];
                }
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void the_held_out_problems_have_their_known_minimum_at_their_optimum() {
        double[] st = new double[10];
        java.util.Arrays.fill(st, HeldOutFunctions.STYBLINSKI_ARGMIN);
        assertThat(Problem.named("styblinski10").value(point(st), 0)).isCloseTo(-391.66165703771, within(1e-6));
        Map<String, Object> best = Map.of("a", 12, "b", 7, "c", 0.3, "d", 0.01, "e", 35, "kernel", "rbf", "loss", "log");
        assertThat(Problem.named("mixed-heldout").value(best, 0)).isCloseTo(0, within(1e-12));
        var worse = new LinkedHashMap<>(best);
        worse.put("kernel", "poly");
        assertThat(Problem.named("mixed-heldout").value(worse, 0)).isGreaterThan(0.4);
    }

    private static Map<String, Object> point(double[] x) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < x.length; i++) {
            m.put("x" + i, x[i]);
        }
        return m;
    }
}
