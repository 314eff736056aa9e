/**
 * The data side of a task: bundled sample datasets and CSV files ({@link io.tunelab.worker.data.DatasetSource}),
 * the sandbox that decides which files a task may read ({@link io.tunelab.worker.data.DataSandbox}), the
 * bounded cache of prepared datasets ({@link io.tunelab.worker.data.DataCache}),
 * their encoding into numbers with string columns one-hot and ISO dates as their parts
 * ({@link io.tunelab.worker.data.Encoding}), the data-quality report
 * ({@link io.tunelab.worker.data.DataReport}), hold-out and k-fold splits
 * ({@link io.tunelab.worker.data.Splits}), the preprocessing steps
 * ({@link io.tunelab.worker.data.Preprocessor}) with the feature selection and extraction steps
 * ({@link io.tunelab.worker.data.FeatureSteps}), which are fitted on the training part of a
 * split only, and the class-imbalance remedies ({@link io.tunelab.worker.data.Imbalance}).
 *
 * <p>Plain Java over {@code double[][]}: no DL4J, no HTTP, no knowledge of trials or leases.
 * No file is read here except through {@link io.tunelab.worker.data.DataSandbox}.
 */
package io.tunelab.worker.data;
