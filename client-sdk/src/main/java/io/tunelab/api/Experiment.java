package io.tunelab.api;

/**
 * One experiment as the API returns it: id, name, state, the spec it runs, its seed, its summary,
 * and the name of the token that created it ({@code createdBy}; null for experiments older than tokens).
 */
public record Experiment(long id, String name, ExperimentState state, ExperimentSpec spec, long seed,
                         ExperimentSummary summary, String createdBy) {
}
