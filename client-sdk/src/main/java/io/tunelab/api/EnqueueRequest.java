package io.tunelab.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A configuration to evaluate next: {@code {"params": {"lr": 0.01, "optimizer": "adam"}}}. Params
 * left out are filled from the strategy's proposal for the trial.
 */
public record EnqueueRequest(Map<String, Object> params) {
    public EnqueueRequest {
        params = params == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static EnqueueRequest of(Map<String, Object> params) {
        return new EnqueueRequest(params);
    }
}
