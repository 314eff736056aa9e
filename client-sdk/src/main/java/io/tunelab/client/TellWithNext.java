package io.tunelab.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tunelab.api.TrialResult;

/**
 * The body of a tell that asks for the next trial: the result's fields and {@code "next": true},
 * written in one pass instead of through a tree.
 */
record TellWithNext(@JsonUnwrapped TrialResult result) {
    @JsonProperty("next")
    boolean next() {
        return true;
    }
}
