package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.TunelabException;
import io.tunelab.server.strategy.ProposalContext;
import io.tunelab.server.strategy.SearchStrategy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The params of an enqueued configuration, checked against the search space and completed:
 * every param given must be in the space, active for the values given before it, and a value
 * of its kind; an active param left out is filled from the strategy's proposal for the trial
 * (its own suggestion when the proposal has no fitting value), as Optuna fills the params an
 * enqueued trial leaves out. Pure but for the strategy it asks.
 */
final class EnqueuedParams {
    private EnqueuedParams() {
    }

    /**
     * The complete params in the space's order and canonical types, or an INVALID_VALUE error
     * naming the first bad param and what would be right. The strategy is asked only when a
     * param is missing.
     */
    static Map<String, Object> complete(SearchSpace space, Map<String, Object> given, SearchStrategy strategy,
                                        ProposalContext context) {
        check(space, given);
        var out = new LinkedHashMap<String, Object>();
        Map<String, Object> proposal = null;
        for (var e : space.params().entrySet()) {
            String name = e.getKey();
            Param param = e.getValue();
            if (!space.isActive(name, out)) {
                if (given.containsKey(name)) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\" is inactive for these values: "
                            + "it applies only when " + Json.write(param.when()) + "; leave it out", Map.of("param", name));
                }
                continue;
            }
            if (given.containsKey(name)) {
                out.put(name, coerce(name, param, given.get(name)));
                continue;
            }
            if (proposal == null) {
                proposal = proposal(strategy, context);
            }
            out.put(name, filled(name, param, proposal, strategy, context));
        }
        return out;
    }

    /** Refuses a param the space does not have, before anything is asked of the strategy. */
    private static void check(SearchSpace space, Map<String, Object> given) {
        for (String name : given.keySet()) {
            if (space.get(name) == null) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\" is not in the search space; its params are "
                        + space.names(), Map.of("param", name));
            }
        }
    }

    private static Object coerce(String name, Param param, Object value) {
        try {
            return param.coerce(value);
        } catch (TunelabException ex) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "param \"" + name + "\": " + ex.getMessage(), Map.of("param", name));
        }
    }

    /** The strategy's proposal for the trial, or none when it has none (a discrete space it has used up, say). */
    private static Map<String, Object> proposal(SearchStrategy strategy, ProposalContext context) {
        try {
            return strategy.propose(context);
        } catch (TunelabException ex) {
            return Map.of();
        }
    }

    private static Object filled(String name, Param param, Map<String, Object> proposal, SearchStrategy strategy,
                                 ProposalContext context) {
        Object proposed = proposal.get(name);
        if (proposed != null) {
            try {
                return param.coerce(proposed);
            } catch (TunelabException ex) {
                // the proposal chose another branch of a condition: suggest below
            }
        }
        return param.coerce(strategy.suggest(context, name, param));
    }
}
