package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The reply to an ask: the new trial's id, its number within the experiment, its params, and
 * the lease id when the ask asked for a lease (then heartbeats keep the trial, and the lease id
 * goes with its reports and result). When the experiment races, {@code repetition} is the one
 * repetition (fold or seed index, from 0) to evaluate and tell; null otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialProposal(long id, int number, Map<String, Object> params, String leaseId, Integer repetition) {
    public TrialProposal {
        params = ParamMap.of(params);
    }

    public TrialProposal(long id, int number, Map<String, Object> params) {
        this(id, number, params, null, null);
    }

    public TrialProposal(long id, int number, Map<String, Object> params, String leaseId) {
        this(id, number, params, leaseId, null);
    }
}
