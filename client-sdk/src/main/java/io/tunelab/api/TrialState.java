package io.tunelab.api;

/** Where a trial is in its life: {@code WAITING → RUNNING → COMPLETE | PRUNED | FAILED}. */
public enum TrialState {
    WAITING, RUNNING, COMPLETE, PRUNED, FAILED;

    /** Finished trials never change. */
    public boolean isFinished() {
        return this == COMPLETE || this == PRUNED || this == FAILED;
    }
}
