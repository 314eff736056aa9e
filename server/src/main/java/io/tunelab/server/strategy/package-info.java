/**
 * Search strategies: the {@link io.tunelab.server.strategy.SearchStrategy} SPI, which proposes
 * the next configuration from an experiment's stored history, and its implementations —
 * {@code random}, {@code grid}, {@code sobol} (quasi-random), {@code tpe}, {@code cmaes},
 * {@code genetic} (Jenetics, steady-state), {@code nsga2} (jenetics.ext MOEA), {@code portfolio},
 * {@code pbt} (population-based training, whose proposals carry a lineage under reserved keys),
 * {@code gp} (Gaussian-process Bayesian optimisation),
 * and {@code auto}, the default, which picks among them by the shape of the experiment.
 *
 * <p>A strategy keeps no state that cannot be rebuilt from the history and the experiment's
 * seed: a restarted server or a resumed experiment continues the same sequence. Caches (the
 * CMA-ES and NSGA-II replays, the Gaussian process's fits, the set of proposed configurations) are only ever used when they
 * equal a fresh rebuild. Every
 * model works in the unit cube of {@code UnitSpace}, so bounds, log scales, steps and
 * conditions are handled in one place. Strategies are plain Java; no Vert.x, no SQL.
 */
package io.tunelab.server.strategy;
