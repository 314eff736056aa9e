package io.tunelab.api;

/**
 * The optional body of an ask. With {@code lease: true} the trial is held under a lease that the
 * asker renews by heartbeat; should the asker die, the lease expires and the trial goes to the
 * next ask instead of staying RUNNING for ever.
 */
public record AskRequest(Boolean lease) {
    public boolean leased() {
        return Boolean.TRUE.equals(lease);
    }
}
