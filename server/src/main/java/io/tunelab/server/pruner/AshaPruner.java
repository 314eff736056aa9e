package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Options;

/**
 * Asynchronous successive halving: rungs at {@code min_resource · reduction_factor^k} steps,
 * at each of which only the best 1/{@code reduction_factor} of the trials that got there go
 * on. {@code min_early_stopping_rate} skips the first rungs. See {@link SuccessiveHalving}.
 */
public final class AshaPruner implements Pruner {
    private final SuccessiveHalving halving;
    private final int earlyStoppingRate;

    AshaPruner(int minResource, int reductionFactor, int earlyStoppingRate) {
        this.halving = new SuccessiveHalving(minResource, reductionFactor, Integer.MAX_VALUE);
        this.earlyStoppingRate = earlyStoppingRate;
    }

    static AshaPruner of(Options options) {
        var pruner = new AshaPruner(options.integer("min_resource", 1, 1, 1_000_000),
                options.integer("reduction_factor", 3, 2, 100),
                options.integer("min_early_stopping_rate", 0, 0, 30));
        options.done();
        return pruner;
    }

    @Override
    public Decision decide(PruneContext context) {
        return halving.decide(context, earlyStoppingRate, t -> true);
    }
}
