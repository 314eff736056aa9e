package io.tunelab.server.strategy;

import io.tunelab.api.Seeds;
import java.util.Map;

/**
 * Independent uniform (log-uniform) draws; each trial's draw depends only on the experiment
 * seed and the trial number. On discrete spaces a draw that repeats an earlier configuration is
 * redrawn (a bounded number of times, then the first unseen configuration in grid order is
 * taken), so discrete spaces see no repeats until they are exhausted.
 */
public final class RandomSearch implements SearchStrategy {

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var rng = Seeds.forTrial(context.seed(), context.number());
        return Configurations.unseen(context, Sampling.sample(context.space(), rng), rng);
    }
}
