package io.tunelab.api;

import java.util.List;

/**
 * A significance-aware leaderboard of one experiment's complete trials by one objective:
 * the {@code test} that compared every trial with the best on their shared repetitions, the
 * family-wise significance level {@code alpha} (Holm), and the trials in order: group
 * (best, tied, worse, unranked), then mean, best first, then trial number.
 */
public record TrialRanking(Objective objective, PairedTest test, double alpha, List<RankedTrial> trials) {
    public TrialRanking {
        if (objective == null || test == null) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a trial ranking needs an objective and a paired test");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "alpha must lie strictly between 0 and 1, got " + alpha);
        }
        trials = trials == null ? List.of() : List.copyOf(trials);
    }
}
