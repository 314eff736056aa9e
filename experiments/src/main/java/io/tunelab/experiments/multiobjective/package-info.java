/**
 * The multi-objective benchmark: {@code nsga2} and {@code auto} on ZDT1, ZDT2 and DTLZ2 through
 * the real server, scored by hypervolume after 200 and 500 trials, beside Optuna's NSGA-II and
 * multi-objective TPE, whose Pareto fronts (written by experiments/optuna/quality_shifted.py
 * --multi) are scored by the same {@link io.tunelab.experiments.multiobjective.Hypervolume} code.
 * Programs that print figures; no assertion on their results lives here.
 */
package io.tunelab.experiments.multiobjective;
