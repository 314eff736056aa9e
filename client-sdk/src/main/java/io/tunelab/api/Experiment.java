package io.tunelab.api;

/** One experiment as the API returns it: id, name, state, the spec it runs, its seed, its summary. */
public record Experiment(long id, String name, ExperimentState state, ExperimentSpec spec, long seed,
                         ExperimentSummary summary) {
}
