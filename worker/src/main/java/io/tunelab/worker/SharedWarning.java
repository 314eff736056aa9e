package io.tunelab.worker;

import java.time.Duration;

/**
 * One warning for a failure the worker's slots meet together: each slot that cannot lease backs
 * off on the same steps, so with {@code --slots 8} every retry printed eight identical lines. The
 * first of identical messages within {@link #WINDOW} is logged; the others are not. A message that
 * differs (another error, the next backoff step), or the same one a window later, is logged again.
 * Thread-safe.
 */
final class SharedWarning {
    /** How close together identical messages count as one. */
    static final Duration WINDOW = Duration.ofSeconds(1);

    private String last;
    private long lastAt;

    /** Whether {@code message}, met at {@code nanos} ({@link System#nanoTime()}), is to be logged. */
    synchronized boolean first(String message, long nanos) {
        if (message.equals(last) && nanos - lastAt < WINDOW.toNanos()) {
            return false;
        }
        last = message;
        lastAt = nanos;
        return true;
    }
}
