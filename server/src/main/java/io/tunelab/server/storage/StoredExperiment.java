package io.tunelab.server.storage;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;

import java.time.Instant;

/**
 * An experiment row: its spec (budget included), state, seed and times. {@code runningMillis}
 * is the wall time spent RUNNING before {@code runningSince} (set while RUNNING), so a
 * minutes budget survives pauses and restarts. {@code createdBy} names the token that created it,
 * {@code updatedBy} the token that last paused, resumed, stopped, renamed or labelled it (null when none did, or an
 * in-process caller without a token).
 */
public record StoredExperiment(long id, String name, ExperimentState state, ExperimentSpec spec, long seed,
                               Instant created, Instant updated, String stopReason,
                               long runningMillis, Instant runningSince, String createdBy, String updatedBy) {

    public StoredExperiment withState(ExperimentState state, Instant now, String stopReason) {
        long millis = runningMillis;
        Instant since = runningSince;
        if (since != null && state != ExperimentState.RUNNING) {
            millis += Math.max(0, now.toEpochMilli() - since.toEpochMilli());
            since = null;
        } else if (since == null && state == ExperimentState.RUNNING) {
            since = now;
        }
        return new StoredExperiment(id, name, state, spec, seed, created, now, stopReason, millis, since, createdBy, updatedBy);
    }

    public StoredExperiment withSpec(ExperimentSpec spec, Instant now) {
        return new StoredExperiment(id, name, state, spec, seed, created, now, stopReason, runningMillis, runningSince, createdBy,
                updatedBy);
    }

    /** The row (and its spec) under a new name. */
    public StoredExperiment withName(String name, Instant now) {
        return new StoredExperiment(id, name, state, spec.withName(name), seed, created, now, stopReason, runningMillis, runningSince,
                createdBy, updatedBy);
    }

    /** The row as changed by the token named {@code token}. */
    public StoredExperiment by(String token) {
        return new StoredExperiment(id, name, state, spec, seed, created, updated, stopReason, runningMillis, runningSince, createdBy,
                token);
    }

    /** Wall time spent RUNNING up to {@code now}. */
    public long runningMillis(Instant now) {
        return runningMillis + (runningSince == null ? 0 : Math.max(0, now.toEpochMilli() - runningSince.toEpochMilli()));
    }
}
