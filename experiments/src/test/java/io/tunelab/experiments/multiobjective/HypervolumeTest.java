package io.tunelab.experiments.multiobjective;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HypervolumeTest {

    @Test
    void known_two_objective_values() {
        assertThat(Hypervolume.of(List.of(new double[]{0, 0}), new double[]{1, 1})).isEqualTo(1.0);
        // Three staircase points: 0.8·0.2 + 0.5·0.3 + 0.2·0.3.
        var stairs = List.of(new double[]{0.2, 0.8}, new double[]{0.5, 0.5}, new double[]{0.8, 0.2});
        assertThat(Hypervolume.of(stairs, new double[]{1, 1})).isCloseTo(0.37, within(1e-12));
        // A dominated point, a duplicate and a point beyond the reference change nothing.
        var more = new ArrayList<>(stairs);
        more.addAll(List.of(new double[]{0.6, 0.6}, new double[]{0.5, 0.5}, new double[]{1.2, 0.0}));
        assertThat(Hypervolume.of(more, new double[]{1, 1})).isCloseTo(0.37, within(1e-12));
    }

    @Test
    void known_three_objective_values() {
        assertThat(Hypervolume.of(List.of(new double[]{0, 0, 0}), new double[]{1, 1, 1})).isEqualTo(1.0);
        // 0.5 + 0.25 − their overlap [0.5,1]³ = 0.125.
        var two = List.of(new double[]{0.5, 0, 0}, new double[]{0, 0.5, 0.5});
        assertThat(Hypervolume.of(two, new double[]{1, 1, 1})).isCloseTo(0.625, within(1e-12));
    }

    @Test
    void random_fronts_match_inclusion_exclusion() {
        var rng = new Random(42);
        for (int m = 2; m <= 3; m++) {
            double[] ref = new double[m];
            java.util.Arrays.fill(ref, 1.1);
            for (int round = 0; round < 50; round++) {
                var points = new ArrayList<double[]>();
                int n = 1 + rng.nextInt(8);
                for (int i = 0; i < n; i++) {
                    double[] p = new double[m];
                    for (int k = 0; k < m; k++) {
                        p[k] = rng.nextDouble();
                    }
                    points.add(p);
                }
                assertThat(Hypervolume.of(points, ref)).isCloseTo(inclusionExclusion(points, ref), within(1e-12));
            }
        }
    }

    @Test
    void a_point_with_the_wrong_number_of_objectives_is_refused() {
        assertThatThrownBy(() -> Hypervolume.of(List.of(new double[]{0, 0}), new double[]{1, 1, 1}))
                .hasMessageContaining("2 objectives, the reference point 3");
        assertThatThrownBy(() -> Hypervolume.of(List.of(), new double[]{1, 1, 1, 1})).hasMessageContaining("2 or 3");
    }

    /** Σ over non-empty subsets S of (−1)^(|S|+1) Π_k (r_k − max_{p∈S} p_k). */
    private static double inclusionExclusion(List<double[]> points, double[] ref) {
        double total = 0;
        int n = points.size();
        for (int mask = 1; mask < 1 << n; mask++) {
            double[] corner = new double[ref.length];
            for (int i = 0; i < n; i++) {
                if ((mask & 1 << i) != 0) {
                    for (int k = 0; k < ref.length; k++) {
                        corner[k] = Math.max(corner[k], points.get(i)[k]);
                    }
                }
            }
            double box = 1;
            for (int k = 0; k < ref.length; k++) {
                box *= Math.max(0, ref[k] - corner[k]);
            }
            total += Integer.bitCount(mask) % 2 == 1 ? box : -box;
        }
        return total;
    }
}
