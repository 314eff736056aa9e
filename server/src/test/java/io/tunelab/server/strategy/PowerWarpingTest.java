package io.tunelab.server.strategy;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PowerWarpingTest {

    @Test
    void values_spanning_decades_are_compressed_and_keep_their_order() {
        var rng = new Random(1);
        double[] values = new double[60];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(8 * rng.nextDouble()); // 1 to about 3,000, most of them small
        }
        var warping = PowerWarping.fit(values);
        assertThat(warping.lambda()).isLessThan(0.5);
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values.length; j++) {
                if (values[i] < values[j]) {
                    assertThat(warping.apply(values[i])).isLessThan(warping.apply(values[j]));
                }
            }
        }
        // The largest value is no longer many standard deviations above the rest.
        double[] t = java.util.Arrays.stream(values).map(warping::apply).toArray();
        double mean = java.util.Arrays.stream(t).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(t).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
        assertThat((java.util.Arrays.stream(t).max().orElseThrow() - mean) / sd).isLessThan(2.5);
    }

    @Test
    void normal_values_are_left_nearly_as_they_are() {
        var rng = new Random(2);
        double[] values = new double[400];
        for (int i = 0; i < values.length; i++) {
            values[i] = 50 + 3 * rng.nextGaussian();
        }
        assertThat(PowerWarping.fit(values).lambda()).isCloseTo(1, within(0.25));
    }

    @Test
    void the_chosen_lambda_is_the_maximum_of_the_likelihood_on_a_grid() {
        var rng = new Random(3);
        double[] z = new double[80];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.pow(rng.nextDouble(), 3) * 10 - 1;
        }
        var warping = PowerWarping.fit(z);
        double mean = java.util.Arrays.stream(z).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
        double[] s = java.util.Arrays.stream(z).map(v -> (v - mean) / sd).toArray();
        double best = Double.NEGATIVE_INFINITY;
        double arg = Double.NaN;
        for (double l = PowerWarping.LOWEST; l <= PowerWarping.HIGHEST; l += 0.001) {
            double ll = PowerWarping.logLikelihood(s, l);
            if (ll > best) {
                best = ll;
                arg = l;
            }
        }
        assertThat(warping.lambda()).isCloseTo(arg, within(0.002));
    }

    @Test
    void the_transform_is_continuous_at_zero_and_at_the_special_lambdas() {
        for (double l : new double[]{-1, 0, 0.5, 1, 2, 2.5}) {
            assertThat(PowerWarping.transform(1e-12, l)).isCloseTo(PowerWarping.transform(-1e-12, l), within(1e-9));
        }
        assertThat(PowerWarping.transform(3, 1e-13)).isCloseTo(PowerWarping.transform(3, 1e-6), within(1e-5));
        assertThat(PowerWarping.transform(-3, 2 - 1e-13)).isCloseTo(PowerWarping.transform(-3, 2 - 1e-6), within(1e-5));
        assertThat(PowerWarping.transform(2, 1)).isEqualTo(2);
    }

    @Test
    void constant_values_are_not_transformed_and_do_not_fail() {
        var warping = PowerWarping.fit(new double[]{4, 4, 4, 4});
        assertThat(warping.lambda()).isEqualTo(1);
        assertThat(warping.apply(4)).isEqualTo(0);
    }
}
