/**
 * Search strategies: the {@link io.tunelab.server.strategy.SearchStrategy} SPI, which proposes
 * the next configuration from an experiment's stored history, and its implementations.
 *
 * <p>A strategy keeps no state that cannot be rebuilt from the history and the experiment's
 * seed: a restarted server or a resumed experiment continues the same sequence. Strategies are
 * plain Java (Jenetics lives here); no Vert.x, no SQL.
 */
package io.tunelab.server.strategy;
