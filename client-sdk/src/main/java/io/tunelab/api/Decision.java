package io.tunelab.api;

/** A pruner's answer to a report: go on training, or stop this trial now. */
public enum Decision {
    CONTINUE, PRUNE
}
