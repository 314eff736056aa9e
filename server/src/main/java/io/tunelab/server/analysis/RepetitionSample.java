package io.tunelab.server.analysis;

import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One trial's values of one metric over its repetitions, keyed so that two trials' values can
 * be paired: by fold index for folds; by seed for seeds, or by index when a repetition has no
 * seed (a seed never pairs with an index). Non-finite values are left out; a repetition whose
 * key was already seen is counted in the mean but not paired.
 */
record RepetitionSample(Trial trial, double mean, int count, Map<Key, Double> keyed) {

    /**
     * What pairs two repetitions: a fold index of a k-fold cross-validation ({@code folds} is k;
     * folds of different k never pair), a repetition index ({@code folds} 0), or a seed.
     */
    record Key(boolean seed, int folds, long value) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            if (seed != o.seed) {
                return Boolean.compare(seed, o.seed);
            }
            return folds != o.folds ? Integer.compare(folds, o.folds) : Long.compare(value, o.value);
        }
    }

    /** Two trials' values on the repetitions both have, in key order. */
    record Pairs(double[] x, double[] y) {
        int size() {
            return x.length;
        }

        /** The mean of x minus y over the pairs; 0 when there are none. */
        double meanDifference() {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += x[i] - y[i];
            }
            return x.length == 0 ? 0 : sum / x.length;
        }
    }

    /** The sample of a trial, or null when it has no finite value of the metric at all. */
    static RepetitionSample of(Trial trial, String metric, RepetitionKind kind) {
        var keyed = new TreeMap<Key, Double>();
        double sum = 0;
        int count = 0;
        for (Repetition r : trial.repetitions()) {
            Double v = r.values().get(metric);
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            sum += v;
            count++;
            Key key = keyOf(r, kind);
            if (key != null) {
                keyed.putIfAbsent(key, v);
            }
        }
        if (count > 0) {
            return new RepetitionSample(trial, sum / count, count, keyed);
        }
        Double value = trial.value(metric);
        return value == null || !Double.isFinite(value) ? null : new RepetitionSample(trial, value, 0, keyed);
    }

    private static Key keyOf(Repetition r, RepetitionKind kind) {
        return switch (kind) {
            case RepetitionKind.Folds folds -> r.index() == null ? null : new Key(false, folds.k(), r.index());
            case RepetitionKind.Seeds seeds -> r.seed() != null ? new Key(true, 0, r.seed())
                    : r.index() == null ? null : new Key(false, 0, r.index());
        };
    }

    /** This sample's values (x) and the other's (y) on their shared repetitions. */
    Pairs pairedWith(RepetitionSample other) {
        var x = new ArrayList<Double>();
        var y = new ArrayList<Double>();
        keyed.forEach((key, v) -> {
            Double w = other.keyed.get(key);
            if (w != null) {
                x.add(v);
                y.add(w);
            }
        });
        return new Pairs(unbox(x), unbox(y));
    }

    private static double[] unbox(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
