package io.tunelab.server.pruner;

import io.tunelab.api.Direction;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;

/** Reading one metric out of a trial's reports, as a loss (smaller is better). */
final class Reports {
    private Reports() {
    }

    /** The loss at exactly this step, or NaN when the trial did not report the metric there. */
    static double at(Trial trial, String metric, Direction direction, int step) {
        for (Report r : trial.reports()) {
            if (r.step() == step) {
                return loss(r, metric, direction);
            }
        }
        return Double.NaN;
    }

    /** The loss at the first report at or after this step (a trial's value at a rung), or NaN. */
    static double firstFrom(Trial trial, String metric, Direction direction, long step) {
        double out = Double.NaN;
        int first = Integer.MAX_VALUE;
        for (Report r : trial.reports()) {
            double v = loss(r, metric, direction);
            if (r.step() >= step && r.step() < first && !Double.isNaN(v)) {
                first = r.step();
                out = v;
            }
        }
        return out;
    }

    /** The best loss over every report at or before this step, or NaN. */
    static double bestUpTo(Trial trial, String metric, Direction direction, int step) {
        double out = Double.NaN;
        for (Report r : trial.reports()) {
            double v = loss(r, metric, direction);
            if (r.step() <= step && !Double.isNaN(v) && !(v >= out)) {
                out = v;
            }
        }
        return out;
    }

    /** Whether the trial reported the metric at a step in [from, to). */
    static boolean reportedBetween(Trial trial, String metric, int from, int to) {
        for (Report r : trial.reports()) {
            if (r.step() >= from && r.step() < to && r.values().containsKey(metric)) {
                return true;
            }
        }
        return false;
    }

    private static double loss(Report r, String metric, Direction direction) {
        Double v = r.values().get(metric);
        return v == null || !Double.isFinite(v) ? Double.NaN : direction.asLoss(v);
    }
}
