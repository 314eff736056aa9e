/**
 * Pruners: the {@link io.tunelab.server.pruner.Pruner} SPI, which decides on each intermediate
 * report whether a running trial stops early, and its implementations: {@code none},
 * {@code median}, {@code asha} (asynchronous successive halving) and {@code hyperband}.
 * Options are validated by {@link io.tunelab.server.strategy.Options}. Plain Java, no state
 * that cannot be rebuilt from the stored reports.
 */
package io.tunelab.server.pruner;
