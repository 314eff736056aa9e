package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

/**
 * Asynchronous successive halving: rungs at {@code min_resource · reduction_factor^k} steps,
 * at each of which only the best 1/{@code reduction_factor} of the trials that got there go
 * on. {@code min_early_stopping_rate} skips the first rungs. {@code max_resource}, a trial's
 * last step (as Ray Tune's {@code max_t}): a rung at or past it is never judged, so a trial that
 * trained to the end completes rather than being pruned at its last report; absent, rungs go on
 * without end (then {@link Pruners#withDefaults} takes it from the spec's task when the task says
 * its epochs). {@code judge_by}: {@code value} (the default) ranks by the value at the rung alone;
 * {@code curve} also lets a trial go on while an optimistic extrapolation of its curve could
 * still reach the rung's top share. See {@link SuccessiveHalving}.
 */
public final class AshaPruner implements Pruner {
    /** The option that bounds the rungs. */
    static final String MAX_RESOURCE = "max_resource";
    /** The largest {@code max_resource} and {@code min_resource} a spec may give. */
    static final int RESOURCE_LIMIT = 1_000_000;

    private final SuccessiveHalving halving;
    private final int earlyStoppingRate;

    AshaPruner(int minResource, int reductionFactor, int earlyStoppingRate, int maxResource, SuccessiveHalving.JudgeBy judgeBy) {
        this.halving = new SuccessiveHalving(minResource, reductionFactor, maxResource, judgeBy);
        this.earlyStoppingRate = earlyStoppingRate;
    }

    static AshaPruner of(Options options) {
        int min = options.integer("min_resource", 1, 1, RESOURCE_LIMIT);
        int factor = options.integer("reduction_factor", 3, 2, 100);
        int rate = options.integer("min_early_stopping_rate", 0, 0, 30);
        Integer max = options.optionalInteger(MAX_RESOURCE);
        var judgeBy = SuccessiveHalving.JudgeBy.of(options.choice("judge_by", "value", SuccessiveHalving.JudgeBy.NAMES));
        options.done();
        var pruner = new AshaPruner(min, factor, rate, max == null ? Integer.MAX_VALUE : max, judgeBy);
        if (max != null) {
            long first = pruner.firstRung();
            if (max < 2 || max > RESOURCE_LIMIT) {
                throw TunelabException.invalidSpec(options.name(MAX_RESOURCE) + " must be from 2 to " + RESOURCE_LIMIT
                        + " (a trial's last step), got " + max);
            }
            if (max <= first) {
                throw TunelabException.invalidSpec(options.name(MAX_RESOURCE) + " (" + max + ") must be above the first rung, "
                        + "min_resource · reduction_factor^min_early_stopping_rate = " + first
                        + ": a rung at or past max_resource is never judged, so nothing would ever be pruned");
            }
        }
        return pruner;
    }

    /** The step of the first rung that judges: {@code min_resource · reduction_factor^min_early_stopping_rate}. */
    long firstRung() {
        return halving.rungStep(earlyStoppingRate);
    }

    @Override
    public Decision decide(PruneContext context) {
        return halving.decide(context, earlyStoppingRate, t -> true);
    }
}
