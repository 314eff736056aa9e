package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import java.util.Map;

/**
 * Independent uniform (log-uniform) draws; each trial's draw depends only on the experiment
 * seed and the trial number. A draw that repeats a configuration already in the experiment is
 * drawn again ({@link NoRepeats}), so small discrete spaces see no repeats until exhausted.
 * Learns nothing: trials of every state count only as configurations not to repeat.
 * Constraints change nothing here: it proposes the same points with or without them.
 */
public final class RandomSearch implements SearchStrategy {

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        return NoRepeats.propose(context, "random", attempt -> Sampling.sample(context.space(),
                attempt == 0 ? Seeds.forTrial(context.seed(), context.number()) : NoRepeats.rng(context, "random", attempt)));
    }

    /**
     * Quick in a space with a continuous param: a draw then almost never repeats a configuration.
     * Not in a space of discrete params alone, where near its exhaustion {@link NoRepeats} looks
     * for an unseen configuration in grid order, a pass over the space.
     */
    @Override
    public boolean quick(SearchSpace space) {
        return space.params().values().stream().anyMatch(p -> p instanceof FloatParam f && f.step() == null && f.high() > f.low());
    }
}
