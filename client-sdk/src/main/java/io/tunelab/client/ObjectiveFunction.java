package io.tunelab.client;

/**
 * A user's function to optimize: evaluates the trial's configuration and returns the value of
 * the experiment's primary objective metric. Throw {@link TrialContext#pruned()} to stop a
 * trial the pruner asked to stop; any other exception fails the trial.
 */
@FunctionalInterface
public interface ObjectiveFunction {
    double evaluate(TrialContext trial) throws Exception;
}
