/**
 * The pruning benchmark: synthetic noisy learning curves trained under each pruner through a
 * real server (or, with {@code --in-process}, the server's own strategy and pruner classes in the
 * benchmark's process), comparing the epochs spent and the best final loss found. A program, not
 * a test.
 */
package io.tunelab.experiments.pruning;
