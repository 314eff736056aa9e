package io.tunelab.server.strategy;

import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;

import java.util.List;

/**
 * Everything a strategy may look at: the space, the objectives, the experiment seed, the
 * number of the trial being proposed, and the history — every earlier trial of the experiment
 * (finished, running or waiting), ordered by number.
 */
public record ProposalContext(SearchSpace space, List<Objective> objectives, long seed, int number, List<Trial> history) {
    public ProposalContext {
        objectives = List.copyOf(objectives);
        history = List.copyOf(history);
    }
}
