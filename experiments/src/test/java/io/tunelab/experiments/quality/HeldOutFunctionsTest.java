package io.tunelab.experiments.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The small held-out functions give the values experiments/optuna/quality_shifted.py gives at the
 * same points (printed by that script's functions), so Tunelab's and Optuna's regrets compare one
 * to one; and each minimum is where it is said to be.
 */
class HeldOutFunctionsTest {

    @Test
    void each_function_matches_the_python_anchor_at_a_point_off_the_optimum() {
        assertThat(HeldOutFunctions.goldsteinPrice(new double[]{0.3, -1.7})).isCloseTo(6643.8629726399995, within(1e-9));
        assertThat(HeldOutFunctions.camel6(new double[]{1.1, -0.4})).isCloseTo(1.378310333333333, within(1e-12));
        assertThat(HeldOutFunctions.hartmann3(new double[]{0.2, 0.5, 0.9})).isCloseTo(-3.5150980998159067, within(1e-12));
        assertThat(HeldOutFunctions.levy(new double[]{0.7, -3.1, 2.2, 5.0, -9.5})).isCloseTo(32.83732379244451, within(1e-10));
        assertThat(Functions.rosenbrock(new double[]{0.5, 2, -1, 3})).isCloseTo(3211.5, within(1e-9));
        assertThat(HeldOutFunctions.styblinski(new double[]{1, -2, 3, -4, 0.5})).isCloseTo(-68.71875, within(1e-12));
    }

    @Test
    void the_known_minima_are_reached_at_the_minimisers_and_not_undercut_nearby() {
        assertThat(HeldOutFunctions.goldsteinPrice(new double[]{0, -1})).isEqualTo(3.0);
        assertThat(HeldOutFunctions.camel6(new double[]{0.08984201, -0.71265641})).isCloseTo(HeldOutFunctions.CAMEL6_OPTIMUM, within(1e-12));
        assertThat(HeldOutFunctions.camel6(new double[]{-0.08984202, 0.7126564})).isCloseTo(HeldOutFunctions.CAMEL6_OPTIMUM, within(1e-12));
        assertThat(HeldOutFunctions.hartmann3(new double[]{0.11458889, 0.55564889, 0.85254698}))
                .isCloseTo(HeldOutFunctions.HARTMANN3_OPTIMUM, within(1e-12));
        assertThat(HeldOutFunctions.levy(new double[5])).isCloseTo(0, within(1e-30));
        var rng = new java.util.Random(3);
        for (int i = 0; i < 2000; i++) {
            double[] h = {0.11458889 + 0.02 * rng.nextGaussian(), 0.55564889 + 0.02 * rng.nextGaussian(), 0.85254698 + 0.02 * rng.nextGaussian()};
            assertThat(HeldOutFunctions.hartmann3(h)).isGreaterThanOrEqualTo(HeldOutFunctions.HARTMANN3_OPTIMUM - 1e-12);
            double[] c = {0.08984201 + 0.05 * rng.nextGaussian(), -0.71265641 + 0.05 * rng.nextGaussian()};
            assertThat(HeldOutFunctions.camel6(c)).isGreaterThanOrEqualTo(HeldOutFunctions.CAMEL6_OPTIMUM - 1e-12);
            double[] g = {0.05 * rng.nextGaussian(), -1 + 0.05 * rng.nextGaussian()};
            assertThat(HeldOutFunctions.goldsteinPrice(g)).isGreaterThanOrEqualTo(3.0);
        }
    }

    @Test
    void the_shifted_levy_has_its_minimum_where_the_python_anchor_puts_it() {
        // quality_shifted.offsets(105, 6, 5, -10, 10)
        assertThat(Problem.LEVY.optimum(105)).containsExactly(new double[]{-6.076387161311776, 7.767395754389623, -1.264308634881587,
                -5.666413038434271, 0.6355935435275164}, within(1e-12));
    }
}
