package io.tunelab.client;

import java.util.Map;

/**
 * Like {@link ObjectiveFunction}, for experiments with several objectives (or extra metrics):
 * returns a value for every objective metric (other metrics belong in repetitions).
 */
@FunctionalInterface
public interface MetricsFunction {
    Map<String, Double> evaluate(TrialContext trial) throws Exception;
}
