/**
 * The training-throughput benchmark ({@link io.tunelab.worker.bench.TrainingBenchmark}): samples
 * per second of one worker slot for three MLP sizes next to the single-thread ND4J matrix
 * multiply ceiling measured in the same run, one slot against N, and the worker's overhead
 * share of trial time read from a finished experiment's provenance. A program that prints
 * figures (experiments/bench-training.sh runs it); nothing here is used by the worker itself.
 */
package io.tunelab.worker.bench;
