package io.tunelab.api;

/**
 * One experiment as the API returns it: id, name, state, the spec it runs, its seed, its summary,
 * the name of the token that created it ({@code createdBy}; null for experiments older than tokens)
 * and of the token that last paused, resumed, stopped, renamed, tagged, annotated or archived it
 * ({@code updatedBy}; null when none did). Its summary carries its labels (tags, notes, archived).
 */
public record Experiment(long id, String name, ExperimentState state, ExperimentSpec spec, long seed,
                         ExperimentSummary summary, String createdBy, String updatedBy) {
}
