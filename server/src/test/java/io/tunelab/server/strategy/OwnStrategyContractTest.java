package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;

import java.util.List;
import java.util.Map;

/**
 * A strategy written here, as a user would write one, held to the same contract as the built-in
 * ones by extending {@link StrategyContract}: it samples every active param uniformly, and
 * proposes through {@link NoRepeats} so that it never proposes a configuration twice.
 */
class OwnStrategyContractTest extends StrategyContract {

    /** Uniform sampling, seeded by the experiment seed and the trial number only. */
    static final class UniformSearch implements SearchStrategy {
        @Override
        public Map<String, Object> propose(ProposalContext context) {
            return NoRepeats.propose(context, "uniform",
                    attempt -> Sampling.sample(context.space(), NoRepeats.rng(context, "uniform", attempt)));
        }
    }

    @Override
    protected SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed) {
        return new UniformSearch();
    }
}
