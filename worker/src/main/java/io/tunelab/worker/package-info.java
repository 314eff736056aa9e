/**
 * The worker process: {@link io.tunelab.worker.Main} (the {@code worker} command, and
 * {@code predict} in {@code PredictCommand}: an exported model applied to a CSV), the lease loop over N slots ({@link io.tunelab.worker.Worker}), heartbeats, and
 * the execution of one leased trial ({@link io.tunelab.worker.TrialExecution}) from its task
 * to its result, model upload and provenance, the same for every runner: its data
 * ({@link io.tunelab.worker.TrialData}), its reports ({@link io.tunelab.worker.ReportChannel}),
 * the choice of its repetitions.
 *
 * <p>Talks to the server only through {@link io.tunelab.worker.Coordinator} (the SDK's
 * client behind it), and to runners only through the SPI in {@code io.tunelab.worker.runner};
 * no training library is used here. Configuration is a {@link io.tunelab.worker.WorkerConfig}
 * and the {@link io.tunelab.worker.runner.Runners}, built once in main.
 */
package io.tunelab.worker;
