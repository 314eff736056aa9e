package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where a trial stands against the best trial of its experiment, judged on the repetitions
 * the two share: {@code BEST} is the trial with the best mean; {@code TIED} is not
 * significantly worse than it; {@code WORSE} is significantly worse after the correction for
 * multiple comparisons; {@code UNRANKED} shares fewer than two repetitions with the best, so
 * no test applies and it is ordered by its value alone. {@code INFEASIBLE} breaks the experiment's
 * {@link Constraint constraints}: it ranks after every feasible trial, least violation first, and
 * is never compared with the best.
 */
public enum RankGroup {
    BEST, TIED, WORSE, UNRANKED, INFEASIBLE;

    /** The JSON name, lower case; Jackson reads it back through the same method. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
