package io.tunelab.server.experiment;

/**
 * Wakes the workers' long-polls when work may have appeared: an experiment created or
 * resumed, a trial told, released or reaped. Thread-safe.
 */
final class WorkSignal {
    private final Object monitor = new Object();

    void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits until the next signal or for {@code millis}; false when interrupted. */
    boolean await(long millis) {
        synchronized (monitor) {
            try {
                monitor.wait(millis);
                return true;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
