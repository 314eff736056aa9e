/**
 * The Runner SPI: what a worker plug-in implements to run one kind of task
 * ({@link io.tunelab.worker.runner.Runner}, found with {@link java.util.ServiceLoader}), what
 * the worker hands it for one leased unit ({@link io.tunelab.worker.runner.RunContext}: data,
 * repetitions, reports with prune answers, provenance, model upload), what a run gives back
 * ({@link io.tunelab.worker.runner.RunOutcome}), the loading of runners from the worker's class
 * path and from {@code --runner-jar} files ({@link io.tunelab.worker.runner.Runners}), and the
 * helpers every runner shares (params laid over a task: {@link io.tunelab.worker.runner.TaskParams};
 * a repetition's seed and split: {@link io.tunelab.worker.runner.RepetitionPlan}).
 *
 * <p>Knows nothing of HTTP, leases or any training library: the worker's generic part
 * ({@code io.tunelab.worker}) drives runners through these types, and the runners
 * ({@code io.tunelab.worker.train} for DL4J, {@code io.tunelab.worker.tribuo} for Tribuo, a
 * user's own in a jar) implement them.
 */
package io.tunelab.worker.runner;
