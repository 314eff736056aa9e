/**
 * Pruners: the {@link io.tunelab.server.pruner.Pruner} SPI, which decides on each intermediate
 * report whether a running trial stops early, and its implementations. Plain Java, no state
 * that cannot be rebuilt from the stored reports.
 */
package io.tunelab.server.pruner;
