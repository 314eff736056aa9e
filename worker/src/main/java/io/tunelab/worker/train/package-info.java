/**
 * The {@code dl4j} runner ({@link io.tunelab.worker.train.Dl4jRunner}), training on DL4J: the typed task ({@link io.tunelab.worker.train.TaskSpec} with its
 * {@link io.tunelab.worker.train.ModelSpec} and {@link io.tunelab.worker.train.TrainingSpec}),
 * the checks of a task against its data ({@link io.tunelab.worker.train.TaskCheck}), the model
 * families (MLP, wide-and-deep, and the convolutional family in
 * {@link io.tunelab.worker.train.ConvolutionalNetworks}), the run of a configuration's repetitions in
 * lockstep with per-epoch reports, early stopping and pruning
 * ({@link io.tunelab.worker.train.TaskRun}), the metrics ({@link io.tunelab.worker.train.Metrics}),
 * and the exported model file ({@link io.tunelab.worker.train.ModelBundle}).
 *
 * <p>Where DL4J lives (besides it, only the benchmark calls ND4J, for its mmul ceiling). It
 * knows nothing of HTTP, leases or the
 * server: a run talks to its caller through {@link io.tunelab.worker.train.TaskRun.Listener}.
 */
package io.tunelab.worker.train;
