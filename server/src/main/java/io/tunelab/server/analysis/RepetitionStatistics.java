package io.tunelab.server.analysis;

import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import org.apache.commons.statistics.distribution.TDistribution;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Statistics of a trial's repetitions: for every metric that each repetition reports, the count,
 * mean, sample standard deviation and the two-sided 95% confidence interval of the mean from
 * Student's t distribution with n − 1 degrees of freedom.
 *
 * <p>Without a {@link RepetitionKind} the interval is the textbook one, mean ± t·s/√n, which
 * treats the repetitions as independent. With a kind it is honest about what the repetitions
 * are: cross-validation folds share most of their training rows, so their variance is
 * corrected as in Nadeau and Bengio's test, mean ± t·s·√(1/n + n_test/n_train); and a metric
 * whose range is known from its name (accuracy, f1, auc, precision, recall in [0, 1]; r2 at
 * most 1) has its interval cut back to that range.
 */
public final class RepetitionStatistics {
    private RepetitionStatistics() {
    }

    /** Statistics of one sample of values, as if independent. */
    public static Statistics of(double... values) {
        return interval(values, 0);
    }

    /** Statistics of one metric's values over repetitions of the given kind. */
    public static Statistics of(String metric, double[] values, RepetitionKind kind) {
        double extraVariance = switch (kind) {
            case RepetitionKind.Folds folds -> folds.testTrainRatio();
            case RepetitionKind.Seeds seeds -> 0;
        };
        Statistics s = interval(values, extraVariance);
        MetricRange range = MetricRange.of(metric);
        return range.holdsAll(values) ? range.clip(s) : s;
    }

    /** Statistics per metric, for the metrics that every repetition has, in first-seen order. */
    public static Map<String, Statistics> of(List<Repetition> repetitions) {
        var out = new LinkedHashMap<String, Statistics>();
        valuesPerMetric(repetitions).forEach((metric, values) -> out.put(metric, of(values)));
        return out;
    }

    /** As {@link #of(List)}, with the interval corrected for the kind of repetition and cut to the metric's range. */
    public static Map<String, Statistics> of(List<Repetition> repetitions, RepetitionKind kind) {
        var out = new LinkedHashMap<String, Statistics>();
        valuesPerMetric(repetitions).forEach((metric, values) -> out.put(metric, of(metric, values, kind)));
        return out;
    }

    private static Map<String, double[]> valuesPerMetric(List<Repetition> repetitions) {
        var out = new LinkedHashMap<String, double[]>();
        if (repetitions.isEmpty()) {
            return out;
        }
        var metrics = new LinkedHashSet<>(repetitions.getFirst().values().keySet());
        for (Repetition r : repetitions) {
            metrics.retainAll(r.values().keySet());
        }
        for (String m : metrics) {
            out.put(m, repetitions.stream().mapToDouble(r -> r.values().get(m)).toArray());
        }
        return out;
    }

    /** Mean ± t·√(s²·(1/n + extraVariance)); extraVariance is n_test/n_train for folds, 0 otherwise. */
    private static Statistics interval(double[] values, double extraVariance) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("statistics need at least one value");
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new Statistics(1, mean, 0, mean, mean);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double t = TDistribution.of(n - 1).inverseSurvivalProbability(0.025);
        double half = t * std * Math.sqrt(1.0 / n + extraVariance);
        return new Statistics(n, mean, std, mean - half, mean + half);
    }
}
