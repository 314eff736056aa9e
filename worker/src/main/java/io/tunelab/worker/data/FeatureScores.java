package io.tunelab.worker.data;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.inference.OneWayAnova;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How strongly each input relates to the target, for top-k selection. Higher is better for
 * every score; an input that cannot be scored (constant, or a class with fewer than two rows)
 * scores 0.
 */
final class FeatureScores {
    /** The quantile bins mutual information is estimated over (inputs, and a regression target). */
    static final int BINS = 10;

    private FeatureScores() {
    }

    /**
     * The ANOVA F statistic of each input across the classes (classification), or the
     * F statistic of a univariate linear regression of the target on the input (regression:
     * {@code r² / (1 − r²) · (n − 2)}, as scikit-learn's f_regression).
     *
     * @param classes the number of classes, or 0 for regression
     */
    static double[] anovaF(double[][] x, double[] y, int classes) {
        int d = x[0].length;
        double[] scores = new double[d];
        for (int c = 0; c < d; c++) {
            double[] column = column(x, c);
            double f = classes > 0 ? classF(column, y, classes) : regressionF(column, y);
            scores[c] = Double.isFinite(f) ? f : 0;
        }
        return scores;
    }

    /**
     * The mutual information (in nats) between each input and the target, both discretised
     * into {@link #BINS} equal-frequency bins of the training rows (a classification target
     * is used as it is).
     */
    static double[] mutualInformation(double[][] x, double[] y, int classes) {
        int[] target = classes > 0 ? Arrays.stream(y).mapToInt(v -> (int) v).toArray() : bins(y);
        int targetLevels = classes > 0 ? classes : BINS;
        int d = x[0].length;
        double[] scores = new double[d];
        for (int c = 0; c < d; c++) {
            scores[c] = mutualInformation(bins(column(x, c)), target, targetLevels);
        }
        return scores;
    }

    private static double classF(double[] column, double[] y, int classes) {
        List<double[]> groups = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            int label = k;
            double[] g = IntStream.range(0, y.length).filter(i -> (int) y[i] == label)
                    .mapToDouble(i -> column[i]).toArray();
            if (g.length > 1) {
                groups.add(g);
            }
        }
        if (groups.size() < 2) {
            return 0;
        }
        return new OneWayAnova().anovaFValue(groups);
    }

    private static double regressionF(double[] column, double[] y) {
        if (column.length < 3) {
            return 0;
        }
        double r = new PearsonsCorrelation().correlation(column, y);
        return r * r / Math.max(1e-300, 1 - r * r) * (column.length - 2);
    }

    /** Equal-frequency bin indices (0 to BINS − 1) of values; ties share a bin. */
    static int[] bins(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] edges = new double[BINS - 1];
        for (int b = 1; b < BINS; b++) {
            edges[b - 1] = sorted[(int) ((long) b * (sorted.length - 1) / BINS)];
        }
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            int b = 0;
            while (b < edges.length && values[i] > edges[b]) {
                b++;
            }
            out[i] = b;
        }
        return out;
    }

    private static double mutualInformation(int[] a, int[] b, int bLevels) {
        int n = a.length;
        double[][] joint = new double[BINS][bLevels];
        double[] pa = new double[BINS];
        double[] pb = new double[bLevels];
        for (int i = 0; i < n; i++) {
            joint[a[i]][b[i]]++;
            pa[a[i]]++;
            pb[b[i]]++;
        }
        double mi = 0;
        for (int i = 0; i < BINS; i++) {
            for (int j = 0; j < bLevels; j++) {
                if (joint[i][j] > 0) {
                    mi += joint[i][j] / n * Math.log(joint[i][j] * n / (pa[i] * pb[j]));
                }
            }
        }
        return Math.max(0, mi);
    }

    static double[] column(double[][] x, int c) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i][c];
        }
        return out;
    }
}
