package io.tunelab.server.pruner;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CurveBoundTest {

    static double[] steps(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    static double[] losses(double[] steps, DoubleUnaryOperator curve, double noise, long seed) {
        var rng = new SplittableRandom(seed);
        double[] y = new double[steps.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = curve.applyAsDouble(steps[i]) + noise * rng.nextGaussian();
        }
        return y;
    }

    @Test
    void aNoiselessExponentialIsExtrapolatedToItsLevel() {
        double[] t = steps(12);
        double bound = CurveBound.lowest(t, losses(t, s -> 0.1 + 2 * Math.exp(-s / 4), 0, 1), 81);
        // Without noise only tau = 4 itself is plausible (found between grid points, not rounded to one).
        assertThat(bound).isCloseTo(0.1 + 2 * Math.exp(-81 / 4.0), within(0.002));
    }

    @Test
    void aNoiselessPowerLawIsExtrapolatedAlongItsTail() {
        double[] t = steps(20);
        double truth = 0.2 + 3 * Math.pow(81, -0.7);
        assertThat(CurveBound.lowest(t, losses(t, s -> 0.2 + 3 * Math.pow(s, -0.7), 0, 1), 81)).isCloseTo(truth, within(0.002));
    }

    @Test
    void aCurveStillFallingSteeplyMayEndFarBelowACurveThatHasFlattened() {
        double[] t = steps(9);
        // Slow: at step 9 still 1.1 and falling 0.1 an epoch; fast: flattened at 0.3.
        double slow = CurveBound.lowest(t, losses(t, s -> 0.05 + 2.45 * Math.exp(-s / 11), 0.05, 2), 81);
        double fast = CurveBound.lowest(t, losses(t, s -> 0.3 + 2.2 * Math.exp(-s / 2), 0.05, 3), 81);
        assertThat(slow).isLessThan(0.3);
        assertThat(fast).isGreaterThan(0.2).isLessThan(0.4);
    }

    @Test
    void aFlatNoisyCurveIsNotExtrapolatedFarBelowItsLevel() {
        double[] t = steps(9);
        assertThat(CurveBound.lowest(t, losses(t, s -> 2.5, 0.05, 4), 81)).isGreaterThan(1.5);
        // A constant is its own extrapolation.
        assertThat(CurveBound.lowest(t, losses(t, s -> 0.7, 0, 4), 81)).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void tooFewPointsGiveNoBound() {
        double[] t = steps(CurveBound.MIN_POINTS - 1);
        assertThat(CurveBound.lowest(t, losses(t, s -> 1 / s, 0, 1), 81)).isNaN();
    }
}
