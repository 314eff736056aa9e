package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;

import java.util.List;
import java.util.Map;

/**
 * The default strategy: picks, from the shape of the experiment, the combination that measured
 * best on the quality benchmark (experiments/QUALITY.md has the figures and the reasons).
 * <ul>
 *   <li>several objectives → {@link Nsga2Search};</li>
 *   <li>at most {@value #SMALL} params, all numeric and always active → {@link CmaEsSearch}
 *       alone: in so few dimensions its covariance learns the landscape within a few
 *       generations and nothing else measured better;</li>
 *   <li>anything else → a {@link PortfolioSearch} in which CMA-ES and the steady-state
 *       {@link GeneticSearch} (mutation step {@value #GENETIC_SIGMA}) take turns over one
 *       history: CMA-ES makes the large, correlated moves (Rosenbrock, Ackley), the genetic
 *       algorithm recombines the best trials found by either, which wins on rugged and
 *       separable landscapes (Rastrigin) and on categorical params.</li>
 * </ul>
 * The choice depends only on the space and the objectives, so it is stable across restarts.
 */
public final class AutoSearch implements SearchStrategy {
    static final int SMALL = 3;
    static final double GENETIC_SIGMA = 0.05;

    private final SearchStrategy delegate;

    AutoSearch(SearchSpace space, List<Objective> objectives, long seed) {
        this.delegate = choose(space, objectives, seed);
    }

    static SearchStrategy choose(SearchSpace space, List<Objective> objectives, long seed) {
        if (objectives.size() > 1) {
            return Strategies.create(StrategySpec.of("nsga2"), space, objectives, seed);
        }
        boolean numeric = space.params().values().stream().allMatch(p -> p.when() == null && !(p instanceof CategoricalParam));
        if (numeric && space.size() <= SMALL) {
            return Strategies.create(StrategySpec.of("cmaes"), space, objectives, seed);
        }
        return Strategies.create(new StrategySpec("portfolio", null, Map.of("members", "cmaes+genetic", "mutation_sigma", GENETIC_SIGMA)),
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
}
