package io.tunelab.server.experiment;

/**
 * Where the coordinator announces every change: {@code "experiment"} with an
 * {@link io.tunelab.api.ExperimentSummary}, {@code "trial"} with an {@link io.tunelab.api.Trial}
 * (without its reports). Implementations must not block.
 */
@FunctionalInterface
public interface Events {
    void publish(String type, Object payload);

    /**
     * Whether anyone listens now (an open event stream): then a change another coordinator makes
     * to an experiment not in memory loads it, so that the change reaches the listeners.
     */
    default boolean listened() {
        return true;
    }

    /** Nowhere, and nobody listens. */
    Events NONE = new Events() {
        @Override
        public void publish(String type, Object payload) {
        }

        @Override
        public boolean listened() {
            return false;
        }
    };
}
