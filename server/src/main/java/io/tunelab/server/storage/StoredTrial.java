package io.tunelab.server.storage;

import io.tunelab.api.Trial;

import java.time.Instant;

/**
 * A trial row: the trial as the API shows it, plus its lease (held by a worker until
 * {@code leaseExpires}) and how many leases of it expired ({@code attempts}).
 */
public record StoredTrial(Trial trial, String leaseId, Instant leaseExpires, int attempts) {
    public static StoredTrial of(Trial trial) {
        return new StoredTrial(trial, null, null, 0);
    }

    public long id() {
        return trial.id();
    }

    public StoredTrial with(Trial trial) {
        return new StoredTrial(trial, leaseId, leaseExpires, attempts);
    }

    public StoredTrial withLease(String leaseId, Instant leaseExpires, int attempts) {
        return new StoredTrial(trial, leaseId, leaseExpires, attempts);
    }
}
