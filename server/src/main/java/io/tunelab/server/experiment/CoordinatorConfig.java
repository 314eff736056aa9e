package io.tunelab.server.experiment;

import java.time.Duration;

/**
 * Settings of the coordinator: how long a lease lasts without a heartbeat, how many times a
 * trial's lease may expire before the trial fails, how often expired leases are reaped, and the
 * bounds on what callers may grow: report steps per trial ({@code --max-reports-per-trial}) and
 * params per experiment, define-by-run ones included ({@code --max-params}).
 */
public record CoordinatorConfig(Duration leaseDuration, int maxLeaseAttempts, Duration reaperInterval,
                                int maxReportsPerTrial, int maxParams) {
    public static final int DEFAULT_MAX_REPORTS_PER_TRIAL = 10_000;
    public static final int DEFAULT_MAX_PARAMS = 200;

    public CoordinatorConfig {
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, got " + leaseDuration);
        }
        if (maxLeaseAttempts < 1) {
            throw new IllegalArgumentException("max lease attempts must be 1 or more, got " + maxLeaseAttempts);
        }
        if (maxReportsPerTrial < 1) {
            throw new IllegalArgumentException("--max-reports-per-trial must be 1 or more, got " + maxReportsPerTrial);
        }
        if (maxParams < 1) {
            throw new IllegalArgumentException("--max-params must be 1 or more, got " + maxParams);
        }
    }

    /** The settings with the default bounds. */
    public CoordinatorConfig(Duration leaseDuration, int maxLeaseAttempts, Duration reaperInterval) {
        this(leaseDuration, maxLeaseAttempts, reaperInterval, DEFAULT_MAX_REPORTS_PER_TRIAL, DEFAULT_MAX_PARAMS);
    }

    public static CoordinatorConfig defaults() {
        return new CoordinatorConfig(Duration.ofSeconds(60), 3, Duration.ofSeconds(1));
    }

    /** These settings with other bounds on reports per trial and params per experiment. */
    public CoordinatorConfig withLimits(int maxReportsPerTrial, int maxParams) {
        return new CoordinatorConfig(leaseDuration, maxLeaseAttempts, reaperInterval, maxReportsPerTrial, maxParams);
    }
}
