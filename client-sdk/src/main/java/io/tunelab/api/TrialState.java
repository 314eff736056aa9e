package io.tunelab.api;

/**
 * Where a trial is in its life: {@code WAITING → RUNNING → COMPLETE | PRUNED | FAILED}; a raced
 * trial goes back to WAITING between its repetitions and may end {@code RACED_OUT}: significantly
 * worse than the incumbent on the repetitions they share, ended by the server.
 */
public enum TrialState {
    WAITING, RUNNING, COMPLETE, PRUNED, FAILED, RACED_OUT;

    /** Finished trials never change. */
    public boolean isFinished() {
        return this == COMPLETE || this == PRUNED || this == FAILED || this == RACED_OUT;
    }
}
