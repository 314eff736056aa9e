package io.tunelab.api;

/**
 * Where an experiment is: {@code RUNNING} hands out trials, {@code PAUSED} does not but keeps
 * accepting results, {@code COMPLETED} has spent its budget, {@code STOPPED} was stopped by a
 * person or by unusable data. Every state can be resumed (with more budget when spent).
 */
public enum ExperimentState {
    RUNNING, PAUSED, COMPLETED, STOPPED
}
