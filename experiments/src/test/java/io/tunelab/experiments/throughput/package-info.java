/** Checks of the throughput benchmark's own arithmetic: how a window of a phase is cut and timed. */
package io.tunelab.experiments.throughput;
