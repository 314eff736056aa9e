package io.tunelab.server.analysis;

import io.tunelab.api.Statistics;

import java.util.Locale;
import java.util.Set;

/**
 * The values a metric can take, known from its name: scores that are fractions
 * ({@code accuracy}, {@code balanced_accuracy}, {@code f1}, {@code auc}, {@code roc_auc},
 * {@code precision}, {@code recall}, and names built on them such as {@code f1_macro},
 * {@code precision_weighted}, {@code val_accuracy} or {@code pr_auc}) lie in [0, 1];
 * {@code r2} is at most 1. Every other metric is unbounded.
 */
record MetricRange(double low, double high) {
    static final MetricRange UNBOUNDED = new MetricRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    private static final MetricRange FRACTION = new MetricRange(0, 1);
    private static final MetricRange AT_MOST_ONE = new MetricRange(Double.NEGATIVE_INFINITY, 1);
    private static final Set<String> FRACTIONS = Set.of("accuracy", "balanced_accuracy", "f1", "auc", "roc_auc",
            "precision", "recall");

    static MetricRange of(String metric) {
        String name = metric.toLowerCase(Locale.ROOT);
        if (FRACTIONS.contains(name) || name.endsWith("_accuracy") || name.endsWith("_auc")
                || name.startsWith("f1_") || name.startsWith("precision_") || name.startsWith("recall_")) {
            return FRACTION;
        }
        return name.equals("r2") || name.endsWith("_r2") ? AT_MOST_ONE : UNBOUNDED;
    }

    /** Whether every value lies in the range; a metric that breaks it (a percentage, say) is not clipped. */
    boolean holdsAll(double[] values) {
        for (double v : values) {
            if (v < low || v > high) {
                return false;
            }
        }
        return true;
    }

    /** The statistics with the confidence interval cut back to the range. */
    Statistics clip(Statistics s) {
        return new Statistics(s.n(), s.mean(), s.std(), Math.max(low, s.ciLow()), Math.min(high, s.ciHigh()));
    }
}
