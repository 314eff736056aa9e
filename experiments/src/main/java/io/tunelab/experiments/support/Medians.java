package io.tunelab.experiments.support;

import java.util.Arrays;
import java.util.Collection;

/** The median the benchmarks summarise their seeds with. */
public final class Medians {
    private Medians() {
    }

    /** The median of the values (the mean of the middle two of an even count), or NaN of none. */
    public static double of(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** {@link #of(double[])} of a collection of values. */
    public static double of(Collection<Double> xs) {
        return of(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
