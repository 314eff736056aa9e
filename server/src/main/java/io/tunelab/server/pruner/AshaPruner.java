package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Options;

/**
 * Asynchronous successive halving: rungs at {@code min_resource · reduction_factor^k} steps,
 * at each of which only the best 1/{@code reduction_factor} of the trials that got there go
 * on. {@code min_early_stopping_rate} skips the first rungs. {@code judge_by}: {@code value}
 * (the default) ranks by the value at the rung alone; {@code curve} also lets a trial go on
 * while an optimistic extrapolation of its curve could still reach the rung's top share. See
 * {@link SuccessiveHalving}.
 */
public final class AshaPruner implements Pruner {
    private final SuccessiveHalving halving;
    private final int earlyStoppingRate;

    AshaPruner(int minResource, int reductionFactor, int earlyStoppingRate, SuccessiveHalving.JudgeBy judgeBy) {
        this.halving = new SuccessiveHalving(minResource, reductionFactor, Integer.MAX_VALUE, judgeBy);
        this.earlyStoppingRate = earlyStoppingRate;
    }

    static AshaPruner of(Options options) {
        var pruner = new AshaPruner(options.integer("min_resource", 1, 1, 1_000_000),
                options.integer("reduction_factor", 3, 2, 100),
                options.integer("min_early_stopping_rate", 0, 0, 30),
                SuccessiveHalving.JudgeBy.of(options.choice("judge_by", "value", SuccessiveHalving.JudgeBy.NAMES)));
        options.done();
        return pruner;
    }

    @Override
    public Decision decide(PruneContext context) {
        return halving.decide(context, earlyStoppingRate, t -> true);
    }
}
