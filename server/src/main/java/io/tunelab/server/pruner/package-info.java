/**
 * Pruners: the {@link io.tunelab.server.pruner.Pruner} SPI, which decides on each intermediate
 * report whether a running trial stops early, and its implementations: {@code none},
 * {@code median}, {@code asha} (asynchronous successive halving) and {@code hyperband}, whose
 * rungs judge by value or, with {@code judge_by: curve}, also by an optimistic extrapolation
 * of each trial's own curve ({@code CurveBound}), and never at or past {@code max_resource}, a
 * trial's last step ({@code Pruners.withDefaults} takes asha's from a spec whose task says it).
 * Options are read by {@link io.tunelab.api.Options}, and Hyperband's draws come from
 * {@link io.tunelab.api.Seeds}: nothing here uses the strategy package. Plain Java, no state
 * that cannot be rebuilt from the stored reports.
 */
package io.tunelab.server.pruner;
