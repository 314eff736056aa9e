/**
 * The {@code tribuo} runner: random forests, extra trees, CART trees and linear models
 * (logistic regression and linear SGD) from Tribuo, on the same datasets, preprocessing,
 * repetitions and metrics as the DL4J runner. {@link io.tunelab.worker.tribuo.TribuoRunner} is
 * the runner, {@link io.tunelab.worker.tribuo.TribuoModelSpec} the {@code model:} and
 * {@code training:} sections of its task, {@link io.tunelab.worker.tribuo.TribuoTask} the run of
 * one trial, {@link io.tunelab.worker.tribuo.TribuoBundle} its model file.
 *
 * <p>The only place that knows Tribuo. Uses Tribuo's tree and SGD modules only (never its
 * XGBoost, ONNX or TensorFlow modules); knows nothing of HTTP or leases.
 */
package io.tunelab.worker.tribuo;
