package io.tunelab.api;

import java.util.Map;

/** The reply to an ask: the new trial's id, its number within the experiment, and its params. */
public record TrialProposal(long id, int number, Map<String, Object> params) {
    public TrialProposal {
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
