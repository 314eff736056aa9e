package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The reply to a tell that asked for the next trial ({@code "next": true}): the told trial's id
 * and final state, and either the next trial of the same experiment ({@code next}, leased when
 * the tell carried a lease) or why there is none ({@code noNext}: the error an ask would have
 * answered, as {@code BUDGET_EXHAUSTED}, {@code EXPERIMENT_NOT_RUNNING} or {@code
 * PARALLEL_LIMIT}). The result is recorded either way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TellReply(long trial, TrialState state, TrialProposal next, ErrorBody noNext) {
    public TellReply {
        if ((next == null) == (noNext == null)) {
            throw new IllegalArgumentException("a tell's reply has either the next trial or why there is none");
        }
    }
}
