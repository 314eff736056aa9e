package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a new experiment's history starts: the {@code top} best trials of experiment {@code from}
 * (by that experiment's leaderboard) whose params fit the new space, copied in as COMPLETE trials
 * marked imported, so the strategy learns from them before its first proposal. In a spec:
 * {@code warm_start: {from: lr-sweep, top: 20}}. Imported trials do not count toward
 * {@code budget.trials}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WarmStart(String from, int top) {
    /** The most trials a warm start may copy. */
    public static final int MAX_TOP = 10_000;

    public WarmStart {
        if (from == null || from.isBlank()) {
            throw TunelabException.invalidSpec("warm_start.from is required: the name or id of the experiment whose trials "
                    + "start this one, as warm_start: {from: lr-sweep, top: 20}");
        }
        if (top < 1 || top > MAX_TOP) {
            throw TunelabException.invalidSpec("warm_start.top must be between 1 and " + MAX_TOP + " (how many of the best "
                    + "trials to copy), got " + top);
        }
    }

    public static WarmStart of(String from, int top) {
        return new WarmStart(from, top);
    }
}
