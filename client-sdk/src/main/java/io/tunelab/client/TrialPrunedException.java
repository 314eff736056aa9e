package io.tunelab.client;

/** Thrown by an objective function to end a trial that the pruner asked to stop. */
public final class TrialPrunedException extends RuntimeException {
    TrialPrunedException(long trialId, int step) {
        super("trial " + trialId + " pruned at step " + step, null, false, false);
    }
}
