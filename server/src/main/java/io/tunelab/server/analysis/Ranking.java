package io.tunelab.server.analysis;

import io.tunelab.api.Constraint;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.Comparator;
import java.util.List;

/** Orders trials by an objective: complete trials with a value first, best first, then by number. */
public final class Ranking {
    private Ranking() {
    }

    /** Best first by the objective's direction; trials without the metric last, in number order. */
    public static Comparator<Trial> byObjective(Objective objective) {
        return (a, b) -> {
            Double x = a.value(objective.metric());
            Double y = b.value(objective.metric());
            if (x == null || y == null) {
                return x == null && y == null ? Integer.compare(a.number(), b.number()) : (x == null ? 1 : -1);
            }
            int c = Double.compare(objective.direction().asLoss(x), objective.direction().asLoss(y));
            return c != 0 ? c : Integer.compare(a.number(), b.number());
        };
    }

    /**
     * As {@link #byObjective} under a spec's constraints: feasible trials first, then the
     * infeasible ones by violation (least first), each group best first by the primary objective.
     * Without constraints, {@link #byObjective} of the primary objective.
     */
    public static Comparator<Trial> byFeasibilityThenObjective(ExperimentSpec spec) {
        Comparator<Trial> byValue = byObjective(spec.primary());
        List<Constraint> constraints = spec.constraints();
        if (constraints.isEmpty()) {
            return byValue;
        }
        return Comparator.<Trial>comparingDouble(t -> Constraint.violation(constraints, t.values())).thenComparing(byValue);
    }

    /** Whether a trial counts for the leaderboard: complete, with the objective's value. */
    public static boolean ranked(Trial t, Objective objective) {
        return t.state() == TrialState.COMPLETE && t.value(objective.metric()) != null;
    }
}
