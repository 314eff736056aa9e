package io.tunelab.worker;

import java.time.Duration;

/** Exponential pauses between retries (0.5 s doubling up to a maximum), reset after a success. Not thread-safe. */
final class Backoff {
    private static final long FIRST_MILLIS = 500;
    private final long maxMillis;
    private long next = FIRST_MILLIS;

    Backoff(Duration max) {
        this.maxMillis = Math.max(FIRST_MILLIS, max.toMillis());
    }

    /** The pause before the next retry; each call doubles the following one. */
    Duration next() {
        long now = next;
        next = Math.min(maxMillis, next * 2);
        return Duration.ofMillis(now);
    }

    void reset() {
        next = FIRST_MILLIS;
    }
}
