package io.tunelab.server.strategy;

import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;

import java.util.Map;

/**
 * Proposes the params of the next trial from an experiment's history.
 *
 * <p>Contract: the proposal is a function of the {@link ProposalContext} alone (space, seed,
 * trial number, history), so the same history and seed give the same proposal, whatever
 * happened to the server in between. Every active param gets a value inside its bounds, no
 * inactive param gets one, and no configuration already in the experiment (waiting, running,
 * complete, pruned or failed) is proposed again ({@link NoRepeats}); a discrete space whose
 * configurations have all been proposed answers BUDGET_EXHAUSTED. Each implementation says in
 * its Javadoc what it learns from trials of each state. Implementations are thread-safe: the
 * coordinator calls them off the event loop (a {@link #quick} one on it), possibly for several
 * trials at once.
 */
public interface SearchStrategy {

    /** The params of trial {@code context.number()}, in the space's order. */
    Map<String, Object> propose(ProposalContext context);

    /**
     * Whether a proposal in {@code space} takes microseconds whatever the experiment's history:
     * no model fitted, no pass over the history or the space. The coordinator may then make it on
     * the event loop that took the request, instead of handing it to a thread of its own. The
     * default, for every strategy that learns, says no.
     */
    default boolean quick(SearchSpace space) {
        return false;
    }

    /**
     * A value for one param that the trial's code defined while running (define-by-run). The
     * default samples it uniformly (log-uniformly for log params) from a generator seeded by
     * the experiment seed, the trial number and the param name.
     */
    default Object suggest(ProposalContext context, String name, Param param) {
        return Sampling.sample(param, Seeds.forTrial(context.seed(), context.number(), name));
    }
}
