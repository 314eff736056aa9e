package io.tunelab.experiments.quality;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.TrialProposal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Calls the strategies directly, with no server, storage or HTTP in between: for iterating on
 * search quality quickly. experiments/ must not depend on the server, so the in-process
 * experiment lives in the server's test code ({@code io.tunelab.server.strategy.InProcessExperiment})
 * and is found on the class path at run time; it asks with a {@link Supplier} and tells with a
 * {@link BiConsumer}, types both sides know.
 */
final class InProcessDriver implements Driver {
    static final String EXPERIMENT_CLASS = "io.tunelab.server.strategy.InProcessExperiment";

    private final Method launch;

    InProcessDriver() {
        try {
            launch = Class.forName(EXPERIMENT_CLASS).getMethod("launch", ExperimentSpec.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("--in-process needs the server's classes and test classes on the class path ("
                    + EXPERIMENT_CLASS + " not found); see experiments/QUALITY.md for the command", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Session launch(ExperimentSpec spec) {
        Object experiment;
        try {
            experiment = launch.invoke(null, spec);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return Session.of((Supplier<TrialProposal>) experiment, (BiConsumer<Long, Map<String, Double>>) experiment);
    }
}
