package io.tunelab.server.strategy;

import io.tunelab.api.Param;

import java.util.Map;

/**
 * One strategy proposes trials 0 to {@code handOver} − 1, another every trial after: what
 * {@code auto} runs with several objectives (multi-objective TPE, then NSGA-II, see
 * {@link AutoSearch}). The second learns from the whole history, the first's trials included,
 * so NSGA-II's first population is the best of what TPE found. Which member proposes depends
 * only on the trial number, so it is stable across restarts and with parallel workers; each
 * member learns from each trial state as its own Javadoc says. Define-by-run params are chosen
 * by the member that proposed the trial.
 */
final class RelaySearch implements SearchStrategy {
    private final SearchStrategy first;
    private final SearchStrategy second;
    private final int handOver;

    RelaySearch(SearchStrategy first, SearchStrategy second, int handOver) {
        if (handOver < 0) {
            throw new IllegalArgumentException("the hand-over trial must be 0 or more, got " + handOver);
        }
        this.first = first;
        this.second = second;
        this.handOver = handOver;
    }

    /** The member that proposes trial {@code number}. */
    SearchStrategy member(int number) {
        return number < handOver ? first : second;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        return member(context.number()).propose(context);
    }

    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return member(context.number()).suggest(context, name, param);
    }
}
