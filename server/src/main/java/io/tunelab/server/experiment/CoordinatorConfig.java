package io.tunelab.server.experiment;

import java.time.Duration;

/**
 * Settings of the coordinator: how long a lease lasts without a heartbeat, how many times a
 * trial's lease may expire before the trial fails, and how often expired leases are reaped.
 */
public record CoordinatorConfig(Duration leaseDuration, int maxLeaseAttempts, Duration reaperInterval) {
    public CoordinatorConfig {
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, got " + leaseDuration);
        }
        if (maxLeaseAttempts < 1) {
            throw new IllegalArgumentException("max lease attempts must be 1 or more, got " + maxLeaseAttempts);
        }
    }

    public static CoordinatorConfig defaults() {
        return new CoordinatorConfig(Duration.ofSeconds(60), 3, Duration.ofSeconds(1));
    }
}
