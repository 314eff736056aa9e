package io.tunelab.server.experiment;

import io.tunelab.api.Param;
import io.tunelab.server.strategy.ProposalContext;
import io.tunelab.server.strategy.SearchStrategy;

import java.util.List;
import java.util.Map;

/**
 * A strategy for service tests: trial {@code n} gets the {@code n}-th of the given
 * configurations (cycling), and a define-by-run param gets its {@code suggested} value, so
 * tests know every number without depending on a real strategy's sampling.
 */
final class FixedStrategy implements SearchStrategy {
    private final List<Map<String, Object>> configurations;
    private final Object suggested;

    FixedStrategy(List<Map<String, Object>> configurations, Object suggested) {
        this.configurations = List.copyOf(configurations);
        this.suggested = suggested;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        return configurations.get(context.number() % configurations.size());
    }

    @Override
    public Object suggest(ProposalContext context, String name, Param param) {
        return suggested;
    }
}
