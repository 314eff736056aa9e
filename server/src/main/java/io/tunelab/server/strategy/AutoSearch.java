package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.Param;

import java.util.List;
import java.util.Map;

/**
 * The default strategy: picks, from the shape of the experiment, the strategy that measured
 * best on the quality benchmark (experiments/QUALITY.md has the figures and the reasons).
 * <ul>
 *   <li>several objectives → {@link Nsga2Search};</li>
 *   <li>a space of at least {@value #CMA_MIN_DIMENSION} always-active numeric params and
 *       nothing else → {@link CmaEsSearch} (CMA-ES learns the correlations and scales that
 *       independent per-param models cannot);</li>
 *   <li>anything else (small, categorical, conditional) → {@link TpeSearch}.</li>
 * </ul>
 * The choice depends only on the space and the objectives, so it is stable across restarts.
 */
public final class AutoSearch implements SearchStrategy {
    static final int CMA_MIN_DIMENSION = 4;

    private final SearchStrategy delegate;

    AutoSearch(io.tunelab.api.SearchSpace space, List<Objective> objectives) {
        this.delegate = choose(space, objectives);
    }

    static SearchStrategy choose(io.tunelab.api.SearchSpace space, List<Objective> objectives) {
        if (objectives.size() > 1) {
            return new Nsga2Search(20, new Variation.Settings(0.9, 0.0, 0.1));
        }
        boolean allNumeric = space.params().values().stream()
                .allMatch(p -> p.when() == null && !(p instanceof io.tunelab.api.CategoricalParam) && !isTiny(p));
        if (allNumeric && space.size() >= CMA_MIN_DIMENSION) {
            return new CmaEsSearch(0, 1.0 / 6, 0);
        }
        return new TpeSearch(10, 24, 1.0);
    }

    private static boolean isTiny(Param p) {
        return p.isDiscrete() && p.cardinality() < 8;
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
