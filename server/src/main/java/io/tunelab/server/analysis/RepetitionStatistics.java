package io.tunelab.server.analysis;

import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Statistics of a trial's repetitions: for every metric that each repetition reports, the count,
 * mean, sample standard deviation and the two-sided 95% confidence interval of the mean from
 * Student's t distribution with n − 1 degrees of freedom.
 */
public final class RepetitionStatistics {
    private RepetitionStatistics() {
    }

    /** Statistics of one sample of values. */
    public static Statistics of(double... values) {
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
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
        double half = t * std / Math.sqrt(n);
        return new Statistics(n, mean, std, mean - half, mean + half);
    }

    /** Statistics per metric, for the metrics that every repetition has, in first-seen order. */
    public static Map<String, Statistics> of(List<Repetition> repetitions) {
        var out = new LinkedHashMap<String, Statistics>();
        if (repetitions.isEmpty()) {
            return out;
        }
        var metrics = new LinkedHashSet<String>(repetitions.getFirst().values().keySet());
        for (Repetition r : repetitions) {
            metrics.retainAll(r.values().keySet());
        }
        for (String m : metrics) {
            var values = new ArrayList<Double>();
            repetitions.forEach(r -> values.add(r.values().get(m)));
            out.put(m, of(values.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }
}
