package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Whether a finished trial keeps its experiment's {@link Constraint constraints}, as the
 * leaderboard judges it: {@code feasible} when it keeps them all, {@code violation} how far
 * outside them it lies (the sum over the constraints; 0 when feasible, null when it reported no
 * finite value of a constrained metric), and {@code note} saying which it breaks and by how much
 * (null when feasible).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feasibility(boolean feasible, Double violation, String note) {
    public Feasibility {
        if (violation != null && !(violation >= 0 && Double.isFinite(violation))) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a violation is a finite number, 0 or more; got " + violation);
        }
    }

    /**
     * The feasibility of a COMPLETE or RACED_OUT trial under {@code constraints}; null without
     * constraints or for a trial in another state (a pruned trial's values are intermediate, so it
     * is not held to them).
     */
    public static Feasibility of(List<Constraint> constraints, Trial trial) {
        if (constraints == null || constraints.isEmpty()
                || (trial.state() != TrialState.COMPLETE && trial.state() != TrialState.RACED_OUT)) {
            return null;
        }
        double violation = Constraint.violation(constraints, trial.values());
        return violation == 0 ? new Feasibility(true, 0.0, null)
                : new Feasibility(false, Double.isFinite(violation) ? violation : null,
                        "infeasible: " + Constraint.describe(constraints, trial.values()));
    }
}
