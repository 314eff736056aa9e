package io.tunelab.experiments.racing;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A noisy problem with known truth on the unit square: a smooth true loss {@link #truth} (a
 * tilted bowl with ripples, minimum near (0.72, 0.28)) observed with noise whose size
 * {@link #sigma} grows with y, ten times larger at the top than at the bottom, so that a few
 * evaluations of a configuration up there can look better than the best configuration really is.
 * Repetition r of every configuration shares one draw z_r, as the folds or seeds of one
 * experiment do (a hard fold is hard for every configuration), plus a draw of its own:
 * {@code observe = truth + sigma * (rho z_r + sqrt(1 - rho²) e_{c,r})}. Everything is a pure
 * function of the suite's seed, the configuration and the repetition.
 */
public record NoisySuite(long seed) {
    /** How much of the noise repetitions share across configurations. */
    static final double RHO = 0.7;
    /** Grid points per side for the truth's minimum and quantiles. */
    private static final int GRID = 401;

    /** The true loss at (x, y). */
    public static double truth(double x, double y) {
        return (x - 0.72) * (x - 0.72) + 0.8 * (y - 0.28) * (y - 0.28) + 0.03 * Math.sin(9 * x) * Math.sin(7 * y);
    }

    /** The standard deviation of an observation at (x, y). */
    public static double sigma(double x, double y) {
        return 0.03 + 0.3 * y * y;
    }

    /** The observed loss of repetition {@code r} of the configuration (x, y). */
    public double observe(double x, double y, int r) {
        double shared = new SplittableRandom(mix(seed, r)).nextGaussian();
        double own = new SplittableRandom(mix(mix(seed, r), mix(Double.doubleToLongBits(x), Double.doubleToLongBits(y))))
                .nextGaussian();
        return truth(x, y) + sigma(x, y) * (RHO * shared + Math.sqrt(1 - RHO * RHO) * own);
    }

    /** The true losses on a regular grid over the square, sorted: the truth's distribution under uniform sampling. */
    static double[] sortedTruth() {
        double[] values = new double[GRID * GRID];
        for (int i = 0; i < GRID; i++) {
            for (int j = 0; j < GRID; j++) {
                values[i * GRID + j] = truth(i / (GRID - 1.0), j / (GRID - 1.0));
            }
        }
        Arrays.sort(values);
        return values;
    }

    /** The true minimum (on the grid). */
    public static double minimum() {
        return SORTED[0];
    }

    /** The true loss below which lies the best {@code share} of the square. */
    public static double quantile(double share) {
        return SORTED[(int) Math.floor(share * (SORTED.length - 1))];
    }

    /** How far the true loss at (x, y) is above the true minimum. */
    public static double regret(double x, double y) {
        return Math.max(0, truth(x, y) - minimum());
    }

    private static final double[] SORTED = sortedTruth();

    /** SplitMix64 of two longs: independent streams for nearby seeds and repetitions. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
