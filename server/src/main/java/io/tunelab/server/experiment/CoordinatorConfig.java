package io.tunelab.server.experiment;

import java.time.Duration;

/**
 * Settings of the coordinator: how long a lease lasts without a heartbeat, how many times a
 * trial's lease may expire before the trial fails, how often expired leases are reaped, and the
 * bounds on what callers may grow: report steps per trial ({@code --max-reports-per-trial}) and
 * params per experiment, define-by-run ones included ({@code --max-params}); and how many
 * experiments stay in memory ({@code --max-loaded-experiments}) and how long an idle one stays
 * ({@code --evict-idle-after}), see {@link LoadedExperiments}; and how long the answers to request
 * ids are kept ({@code --request-retention-hours}, {@value #MIN_REQUEST_RETENTION_HOURS} to
 * {@value #MAX_REQUEST_RETENTION_HOURS}), see {@link RequestRetention}.
 */
public record CoordinatorConfig(Duration leaseDuration, int maxLeaseAttempts, Duration reaperInterval,
                                int maxReportsPerTrial, int maxParams, int maxLoadedExperiments, Duration evictIdleAfter,
                                Duration requestRetention) {
    public static final int DEFAULT_MAX_REPORTS_PER_TRIAL = 10_000;
    public static final int DEFAULT_MAX_PARAMS = 200;
    /** Enough for the experiments a team works on at once; at 1,000 trials each, about 200 MB of heap. */
    public static final int DEFAULT_MAX_LOADED_EXPERIMENTS = 100;
    public static final Duration DEFAULT_EVICT_IDLE_AFTER = Duration.ofMinutes(10);
    /** A day: far longer than any client retries a request, as payment APIs keep idempotency keys. */
    public static final int DEFAULT_REQUEST_RETENTION_HOURS = 24;
    /** An hour at least: the SDK and workers retry within minutes, and a pass runs every few minutes. */
    public static final int MIN_REQUEST_RETENTION_HOURS = 1;
    /** A year at most. */
    public static final int MAX_REQUEST_RETENTION_HOURS = 8760;

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
        if (maxLoadedExperiments < 1) {
            throw new IllegalArgumentException("--max-loaded-experiments must be 1 or more, got " + maxLoadedExperiments);
        }
        if (evictIdleAfter.isNegative()) {
            throw new IllegalArgumentException("--evict-idle-after must be 0 or more seconds, got " + evictIdleAfter.toSeconds());
        }
        if (requestRetention.compareTo(Duration.ofHours(MIN_REQUEST_RETENTION_HOURS)) < 0
                || requestRetention.compareTo(Duration.ofHours(MAX_REQUEST_RETENTION_HOURS)) > 0) {
            throw new IllegalArgumentException(retentionRefusal(requestRetention.toHours()));
        }
    }

    /** The settings with the default bounds on memory. */
    public CoordinatorConfig(Duration leaseDuration, int maxLeaseAttempts, Duration reaperInterval, int maxReportsPerTrial,
                             int maxParams) {
        this(leaseDuration, maxLeaseAttempts, reaperInterval, maxReportsPerTrial, maxParams, DEFAULT_MAX_LOADED_EXPERIMENTS,
                DEFAULT_EVICT_IDLE_AFTER, Duration.ofHours(DEFAULT_REQUEST_RETENTION_HOURS));
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
        return new CoordinatorConfig(leaseDuration, maxLeaseAttempts, reaperInterval, maxReportsPerTrial, maxParams,
                maxLoadedExperiments, evictIdleAfter, requestRetention);
    }

    /** These settings with other bounds on the experiments held in memory. */
    public CoordinatorConfig withMemory(int maxLoadedExperiments, Duration evictIdleAfter) {
        return new CoordinatorConfig(leaseDuration, maxLeaseAttempts, reaperInterval, maxReportsPerTrial, maxParams,
                maxLoadedExperiments, evictIdleAfter, requestRetention);
    }

    /** These settings with answers to request ids kept for {@code hours}; out of range is refused naming the flag. */
    public CoordinatorConfig withRequestRetentionHours(long hours) {
        if (hours < MIN_REQUEST_RETENTION_HOURS || hours > MAX_REQUEST_RETENTION_HOURS) {
            throw new IllegalArgumentException(retentionRefusal(hours));
        }
        return new CoordinatorConfig(leaseDuration, maxLeaseAttempts, reaperInterval, maxReportsPerTrial, maxParams,
                maxLoadedExperiments, evictIdleAfter, Duration.ofHours(hours));
    }

    /** The one-line refusal of a retention out of range. */
    public static String retentionRefusal(long hours) {
        return "--request-retention-hours must be from " + MIN_REQUEST_RETENTION_HOURS + " to " + MAX_REQUEST_RETENTION_HOURS
                + ", got " + hours;
    }
}
