package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;

import java.util.List;
import java.util.Map;

/**
 * The default strategy: the combination that measured best on the quality benchmark
 * (experiments/QUALITY.md has the figures and what else was tried).
 * <ul>
 *   <li>several objectives → multi-objective {@link TpeSearch} for the first {@value #HAND_OVER}
 *       trials, then {@link Nsga2Search} with uniform crossover, which starts from the best of them
 *       ({@link RelaySearch}). Uniform crossover keeps each param as one parent had it, where the
 *       blend moves every param at once; chosen on seeds 0–19 of ZDT1, ZDT2 and DTLZ2 by a rule
 *       fixed before the runs (hypervolume after 500 trials 105.3 → 110.5, 87.8 → 97.8,
 *       7.11 → 7.19; QUALITY.md has the table). {@code nsga2} alone keeps the blend by default:
 *       with uniform crossover it lost 1.4 % on DTLZ2 after 200 trials, more than the rule allowed;</li>
 *   <li>one objective and 1–9 declared params → {@link GpSearch} (Gaussian-process Bayesian
 *       optimisation) with its values warped by a fitted power transform ({@link PowerWarping}),
 *       far ahead of the portfolio below on every small problem it was judged on;</li>
 *   <li>one objective and ten params or more, or a define-by-run space → a {@link PortfolioSearch} in which CMA-ES and the steady-state
 *       {@link GeneticSearch} share one history, each getting trials in proportion to the
 *       progress it has made on this experiment ({@link ProgressShares}). CMA-ES makes the
 *       large, correlated moves (Rosenbrock, Ackley); the genetic algorithm (mutation step 0.05
 *       of each range, shrinking with the population's spread) recombines the best trials either
 *       found, which wins on rugged, separable landscapes (Rastrigin) and on categorical params,
 *       where CMA-ES defers to TPE's per-param model.
 *       The genetic population is 10 without declared params and two per param from ten.
 *       CMA-ES proposes the best of its draws by a quadratic fit of the best trials
 *       ({@code preselect: quadratic}, {@link QuadraticSurrogate}): judged on the tuning seeds 0–19
 *       by a rule written before the run, lower median regret on 13 of the 16 rows of the eight
 *       10-D problems, geometric mean of the ratios 0.67 (experiments/QUALITY.md, "Surrogate
 *       pre-selection in CMA-ES"). Where the trials show the loss separable, the additive quartic
 *       takes the quadratic's place ({@code preselect: additive_if_separable},
 *       {@link QuadraticSurrogate#fitIfSeparable}): judged on seeds 60–79 by a rule written before
 *       the run, it touched 3 of the 16 rows, lowered 2 (Styblinski–Tang at 100 trials 125 → 83.5)
 *       and raised none (experiments/QUALITY.md, "The additive form where the trials show
 *       separability").</li>
 * </ul>
 * The choice of members depends only on the space and the objectives, and their shares only on
 * the history, so both are stable across restarts.
 * What it learns from COMPLETE, PRUNED, FAILED and RUNNING/WAITING trials is what the chosen
 * strategies' Javadoc says; like them it never proposes a configuration already in the experiment.
 * Constraints reach it through its members: NSGA-II's constrained domination, CMA-ES's and the
 * genetic algorithm's feasibility-first ranking, progress shares that credit feasible trials only,
 * and the Gaussian process's models of each constraint ({@link Feasibility}).
 */
public final class AutoSearch implements SearchStrategy {
    private final SearchStrategy delegate;

    /**
     * With several objectives, the first trial NSGA-II proposes. Multi-objective TPE leads at
     * 200 trials but all but stops improving by then (so does Optuna 3.1's: its proposals drift
     * back toward uniform once the good group stops changing), while NSGA-II keeps going. Chosen on
     * seeds 0–19 of ZDT1, ZDT2 and DTLZ2 (MultiObjectiveDirect, hypervolume after 200 / 500
     * trials): hand-over at 80 gave 100.5 / 105.9, 82.3 / 88.2, 6.73 / 7.00; at 120 100.2 / 105.2,
     * 83.0 / 88.5, 6.89 / 7.06; at 150 100.3 / 105.3, 81.9 / 87.8, 6.96 / 7.11; at 200 99.1 / 105.0,
     * 81.2 / 87.0, 6.95 / 7.07; 150 has the best mean rank over the six rows. TPE alone: 99.1 /
     * 99.7, 81.2 / 81.4, 6.95 / 7.00; NSGA-II alone 96.3 / 103.4, 79.4 / 86.3, 6.55 / 6.94.
     */
    static final int HAND_OVER = 150;

    /**
     * With one objective, spaces with fewer params than this (and at least one declared) go to
     * {@link GpSearch} with {@code warping: power}. Judged against the portfolio on ten problems
     * of 2–7 params (seeds 300–319, never run before, by a rule written before the run): lower
     * median regret after 100 trials on all ten, geometric mean of the ratios 0.0032
     * (experiments/QUALITY.md, "gp inside auto").
     */
    static final int SMALL_SPACE = 10;

    AutoSearch(SearchSpace space, List<Objective> objectives, long seed) {
        this.delegate = choose(space, objectives, seed);
    }

    static SearchStrategy choose(SearchSpace space, List<Objective> objectives, long seed) {
        if (objectives.size() > 1) {
            return new RelaySearch(Strategies.create(StrategySpec.of("tpe"), space, objectives, seed),
                    Strategies.create(new StrategySpec("nsga2", null, Map.of("crossover", "uniform")), space, objectives, seed),
                    HAND_OVER);
        }
        if (space.size() >= 1 && space.size() < SMALL_SPACE) {
            return Strategies.create(new StrategySpec("gp", null, Map.of("warping", "power")), space, objectives, seed);
        }
        int population = Math.max(10, 2 * space.size());
        return Strategies.create(new StrategySpec("portfolio", null, Map.of("members", "cmaes+genetic",
                "mutation_sigma", 0.05, "adaptive_mutation", true, "population", population, "allocation", "progress",
                "preselect", "additive_if_separable")),
                space, objectives, seed);
    }

    /** The strategy auto chose, for provenance and tests. */
    public SearchStrategy delegate() {
        return delegate;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        return delegate.propose(context);
    }

    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return delegate.suggest(context, name, param);
    }
}
