package io.tunelab.experiments.quality.fake;

import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;

import java.util.List;

/** The server's proposal context, with the constructor the direct runs call. */
public record ProposalContext(SearchSpace space, List<Objective> objectives, long seed, int number, List<Trial> history) {
    public ProposalContext {
        history = List.copyOf(history);
    }
}
