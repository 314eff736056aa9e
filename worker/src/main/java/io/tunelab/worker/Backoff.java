package io.tunelab.worker;

import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** Exponential pauses between retries (0.5 s doubling up to a maximum), reset after a success. Not thread-safe. */
final class Backoff {
    private static final Logger log = LoggerFactory.getLogger(Backoff.class);
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

    /**
     * Runs {@code tell}, retrying with exponential pauses up to {@code max} while the server
     * cannot be reached, for at most {@code limit}; then (or when interrupted) rethrows.
     */
    static void retrying(Runnable tell, Duration max, Duration limit, String what) {
        retrying(tell, max, limit, what, "tell the result");
    }

    /** {@link #retrying(Runnable, Duration, Duration, String)} of another {@code action} ("upload the model"). */
    static void retrying(Runnable tell, Duration max, Duration limit, String what, String action) {
        var backoff = new Backoff(max);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                tell.run();
                return;
            } catch (TunelabException.ServerFailure e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("{}: could not {} ({}); retrying", what, action, e.getMessage());
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
