package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A completed trial as the model-based strategies see it: its point in the unit cube and its
 * losses (each objective's value turned so that smaller is better).
 *
 * @param trial  the trial
 * @param point  its coordinates (NaN for inactive params)
 * @param losses one loss per objective
 */
record Observation(Trial trial, double[] point, double[] losses) {

    /** The first objective's loss. */
    double loss() {
        return losses[0];
    }

    /**
     * The COMPLETE trials of a history that have a finite value for every objective, in
     * trial-number order. Pruned and failed trials say nothing reliable about the final value.
     */
    static List<Observation> completed(ProposalContext context, UnitSpace unit) {
        return completed(context, unit, null);
    }

    /**
     * The same, reusing the points of trials encoded before: finished trials never change, so
     * a trial's point only needs encoding again when the space has grown (define-by-run).
     *
     * @param points trial id → point, filled as trials are encoded; null to encode everything
     */
    static List<Observation> completed(ProposalContext context, UnitSpace unit, Map<Long, double[]> points) {
        var out = new ArrayList<Observation>();
        List<Objective> objectives = context.objectives();
        for (Trial t : context.history()) {
            if (t.state() != TrialState.COMPLETE) {
                continue;
            }
            double[] losses = new double[objectives.size()];
            boolean ok = true;
            for (int k = 0; k < losses.length && ok; k++) {
                Double v = t.value(objectives.get(k).metric());
                ok = v != null && Double.isFinite(v);
                losses[k] = ok ? objectives.get(k).direction().asLoss(v) : Double.NaN;
            }
            if (ok) {
                double[] point = points == null ? null : points.get(t.id());
                if (point == null || point.length != unit.dimension()) {
                    point = unit.encode(t.params());
                    if (points != null) {
                        points.put(t.id(), point);
                    }
                }
                out.add(new Observation(t, point, losses));
            }
        }
        out.sort((a, b) -> Integer.compare(a.trial().number(), b.trial().number()));
        return out;
    }
}
