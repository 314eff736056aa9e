package io.tunelab.worker.runner;

import java.util.Map;

/**
 * A worker plug-in that knows one kind of task, named by the task's {@code runner} field
 * ({@code dl4j} when absent). The worker finds runners with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/io.tunelab.worker.runner.Runner} entry on the class path or in a
 * {@code --runner-jar}), keeps the slots, leases, heartbeats, backoff, reports, provenance,
 * model upload and data sandbox, and calls the runner only to check a task and run it.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe: every
 * slot of a worker shares one instance (per-trial state belongs in the {@link RunnerTask}).
 */
public interface Runner {
    /** The name a task gives in {@code task.runner}: lower-case letters, digits, {@code _} and {@code -}. */
    String name();

    /**
     * Parses and checks a trial's task: the experiment's {@code task:} map with the trial's
     * params laid over it (see {@link TaskParams}). Throws an INVALID_SPEC
     * {@link io.tunelab.api.TunelabException} whose message names the field and what would be
     * right; changes nothing.
     */
    RunnerTask validate(Map<String, Object> task, Map<String, Object> params);
}
