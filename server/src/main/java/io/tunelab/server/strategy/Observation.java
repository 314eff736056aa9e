package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import io.tunelab.api.Objective;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A finished trial as the model-based strategies see it: its point in the unit cube, its
 * losses (each objective's value turned so that smaller is better) and how far it got.
 *
 * <ul>
 *   <li>COMPLETE with a finite value for every objective: its final values;</li>
 *   <li>RACED_OUT: its values, the mean over its repetitions, which are the ones it shared with the
 *       incumbent that raced it out (a challenger runs the incumbent's repetitions in order);</li>
 *   <li>PRUNED: the values of its last report (its final values if it has no report with
 *       them), and the step of that report;</li>
 *   <li>COMPLETE or RACED_OUT but outside the experiment's {@link Constraint constraints} (or
 *       without a finite value of a constrained metric): constrained, with its values and its
 *       violation; a pruned trial's values are intermediate, so it is not held to them;</li>
 *   <li>FAILED, or COMPLETE without a finite value: infeasible, losses +∞;</li>
 *   <li>RUNNING and WAITING trials are not observations (they only count as configurations
 *       not to propose again, see {@link NoRepeats}).</li>
 * </ul>
 * {@link #BEST_FIRST} ranks them as Optuna's TPE does with constraints: complete trials by loss,
 * then raced-out ones by loss, then pruned ones by the step they reached (later is better) and
 * their loss at it, then the constrained ones by violation (least first) and loss, then the
 * infeasible ones. Every strategy that ranks by it thereby prefers the trials that keep the
 * constraints, and among those that break them, the ones that break them least.
 *
 * @param trial  the trial
 * @param point  its coordinates (NaN for inactive params)
 * @param losses one loss per objective
 * @param tier      0 complete, 1 raced out, 2 pruned, 3 constrained, 4 infeasible
 * @param step      the step of a pruned trial's last report (-1 without one); 0 otherwise
 * @param violation how far a constrained trial lies outside the constraints (+∞ without a
 *                  constrained metric); 0 otherwise
 */
record Observation(Trial trial, double[] point, double[] losses, int tier, int step, double violation) {
    static final int COMPLETE = 0;
    static final int RACED_OUT = 1;
    static final int PRUNED = 2;
    static final int CONSTRAINED = 3;
    static final int INFEASIBLE = 4;

    /** An observation of an experiment without constraints. */
    Observation(Trial trial, double[] point, double[] losses, int tier, int step) {
        this(trial, point, losses, tier, step, 0);
    }

    /**
     * Complete trials by loss, then raced-out ones by loss, then pruned ones by step (later first)
     * and loss, then constrained ones by violation and loss, then infeasible ones; ties by number.
     */
    static final Comparator<Observation> BEST_FIRST = (a, b) -> {
        // Written out rather than chained: histories of thousands are sorted on every proposal.
        int c = Integer.compare(a.tier, b.tier);
        if (c == 0) {
            c = Integer.compare(b.step, a.step);
        }
        if (c == 0) {
            c = Double.compare(a.violation, b.violation);
        }
        if (c == 0) {
            c = Double.compare(a.losses[0], b.losses[0]);
        }
        return c != 0 ? c : Integer.compare(a.trial.number(), b.trial.number());
    };

    /** The first objective's loss. */
    double loss() {
        return losses[0];
    }

    boolean isComplete() {
        return tier == COMPLETE;
    }

    /**
     * The finished trials of a history as observations, in trial-number order.
     *
     * @param points       trial id → point, filled as trials are encoded (finished trials never
     *                     change, so a point is encoded again only when the space has grown,
     *                     define-by-run); null to encode everything
     * @param completeOnly whether only COMPLETE trials with finite values count (constrained
     *                     ones among them)
     */
    static List<Observation> of(ProposalContext context, UnitSpace unit, Map<Long, double[]> points, boolean completeOnly) {
        var out = new ArrayList<Observation>();
        List<Objective> objectives = context.objectives();
        for (Trial t : context.history()) {
            if (!t.state().isFinished() || completeOnly && t.state() != TrialState.COMPLETE) {
                continue;
            }
            double[] losses = new double[objectives.size()];
            int step = 0;
            boolean finite = true;
            Report last = t.state() == TrialState.PRUNED ? lastReport(t, objectives.getFirst().metric()) : null;
            for (int k = 0; k < losses.length; k++) {
                Double v = t.state() == TrialState.FAILED ? null : last != null ? last.values().get(objectives.get(k).metric())
                        : t.value(objectives.get(k).metric());
                if (v == null && last != null) {
                    v = t.value(objectives.get(k).metric());
                }
                finite &= v != null && Double.isFinite(v);
                losses[k] = v != null && Double.isFinite(v) ? objectives.get(k).direction().asLoss(v) : Double.POSITIVE_INFINITY;
            }
            int tier = !finite ? INFEASIBLE : t.state() == TrialState.PRUNED ? PRUNED
                    : t.state() == TrialState.RACED_OUT ? RACED_OUT : COMPLETE;
            double violation = 0;
            if (tier == COMPLETE || tier == RACED_OUT) {
                violation = Constraint.violation(context.constraints(), t.values());
                tier = violation > 0 ? CONSTRAINED : tier;
            }
            if (completeOnly && tier != COMPLETE && tier != CONSTRAINED) {
                continue;
            }
            if (tier == PRUNED) {
                step = last != null ? last.step() : -1;
            }
            double[] point = points == null ? null : points.get(t.id());
            if (point == null || point.length != unit.dimension()) {
                point = unit.encode(t.params());
                if (points != null) {
                    points.put(t.id(), point);
                }
            }
            out.add(new Observation(t, point, losses, tier, step, violation));
        }
        out.sort(Comparator.comparingInt(o -> o.trial().number()));
        return out;
    }

    /** The report with the highest step that has a value for the metric, or null. */
    private static Report lastReport(Trial t, String metric) {
        Report last = null;
        for (Report r : t.reports()) {
            if (r.values().containsKey(metric) && (last == null || r.step() >= last.step())) {
                last = r;
            }
        }
        return last;
    }
}
