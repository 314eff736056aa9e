/**
 * The ask/tell throughput benchmark: Optuna 3.1's journal-file storage as the anchor, a real
 * server process on H2 under the classic and the one-round-trip protocol, and the HTTP floor of
 * the machine, in one run; CPU per trial from /proc. Programs that print, never tests that time.
 */
package io.tunelab.experiments.throughput;
