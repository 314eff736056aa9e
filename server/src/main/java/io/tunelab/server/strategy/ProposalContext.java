package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;

import java.util.List;

/**
 * Everything a strategy may look at: the space, the objectives, the experiment seed, the
 * number of the trial being proposed, and the history — every earlier trial of the experiment
 * (finished, running or waiting), ordered by number — with its configurations as a set,
 * {@code proposed}. The set must hold exactly the history's configurations: the coordinator
 * passes a {@link ProposedConfigurations#snapshot()} taken with the history; without one
 * (the five-argument constructor) it is answered from the history itself. {@code constraints} are
 * the experiment's ({@link Constraint}): a strategy that learns from values prefers the trials
 * that keep them ({@link Observation}).
 */
public record ProposalContext(SearchSpace space, List<Objective> objectives, long seed, int number, List<Trial> history,
                              Configurations.Seen proposed, List<Constraint> constraints) {
    public ProposalContext {
        objectives = List.copyOf(objectives);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        history = history instanceof TrialHistory.Snapshot ? history : List.copyOf(history); // a snapshot never changes
        proposed = proposed != null ? proposed : Configurations.seen(history);
    }

    /** A context of an experiment without constraints. */
    public ProposalContext(SearchSpace space, List<Objective> objectives, long seed, int number, List<Trial> history,
                           Configurations.Seen proposed) {
        this(space, objectives, seed, number, history, proposed, null);
    }

    /** A context whose set of configurations is answered from {@code history}. */
    public ProposalContext(SearchSpace space, List<Objective> objectives, long seed, int number, List<Trial> history) {
        this(space, objectives, seed, number, history, null);
    }
}
