/**
 * The worker process: {@link io.tunelab.worker.Main} (the {@code worker} and {@code predict}
 * commands), the lease loop over N slots ({@link io.tunelab.worker.Worker}), heartbeats, and
 * the execution of one leased trial ({@link io.tunelab.worker.TrialExecution}) from its task
 * to its result, model upload and provenance.
 *
 * <p>Talks to the server only through {@link io.tunelab.worker.Coordinator} (the SDK's
 * client behind it); knows nothing of DL4J beyond what {@code io.tunelab.worker.train}
 * offers. Configuration is a {@link io.tunelab.worker.WorkerConfig} built once in main.
 */
package io.tunelab.worker;
