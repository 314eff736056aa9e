/**
 * The pruning benchmark: synthetic noisy learning curves trained under each pruner through a
 * real server, comparing the epochs spent and the best final loss found. A program, not a test.
 */
package io.tunelab.experiments.pruning;
