package io.tunelab.server.strategy;

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
        var rng = Sampling.rng(context.seed(), context.number());
        var seen = Configurations.seen(context);
        if (seen.isEmpty() || !Configurations.isDiscrete(context.space())) {
            return Sampling.sample(context.space(), rng);
        }
        for (int attempt = 0; attempt < 64; attempt++) {
            var candidate = Sampling.sample(context.space(), rng);
            if (!seen.contains(Configurations.key(candidate))) {
                return candidate;
            }
        }
        return Configurations.firstUnseen(context.space(), seen);
    }
}
