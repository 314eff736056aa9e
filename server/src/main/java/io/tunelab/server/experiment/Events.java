package io.tunelab.server.experiment;

/**
 * Where the coordinator announces every change: {@code "experiment"} with an
 * {@link io.tunelab.api.ExperimentSummary}, {@code "trial"} with an {@link io.tunelab.api.Trial}
 * (without its reports). Implementations must not block.
 */
@FunctionalInterface
public interface Events {
    void publish(String type, Object payload);

    Events NONE = (type, payload) -> { };
}
