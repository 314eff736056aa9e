package io.tunelab.worker.data;

import java.util.Arrays;

/** Quantiles of a column with linear interpolation (numpy's default), ignoring NaN. */
final class Quantiles {
    private final double[] sorted;

    Quantiles(double[] values) {
        this.sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    static Quantiles ofColumn(double[][] x, int column) {
        double[] v = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = x[i][column];
        }
        return new Quantiles(v);
    }

    int count() {
        return sorted.length;
    }

    /** The q-quantile, 0 ≤ q ≤ 1; NaN when there are no values. */
    double at(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** How many values lie outside the Tukey fences [Q1 − 1.5·IQR, Q3 + 1.5·IQR]. */
    int outsideFences() {
        double q1 = at(0.25);
        double q3 = at(0.75);
        double iqr = q3 - q1;
        double lo = q1 - 1.5 * iqr;
        double hi = q3 + 1.5 * iqr;
        int n = 0;
        for (double v : sorted) {
            if (v < lo || v > hi) {
                n++;
            }
        }
        return n;
    }
}
