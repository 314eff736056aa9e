package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Options;
import io.tunelab.api.Seeds;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;

/**
 * Hyperband (Li et al. 2018) over asynchronous successive halving: s_max + 1 brackets, s_max =
 * ⌊log_η(max_resource / min_resource)⌋; bracket b stops early from rung b on (b = 0 is the most
 * aggressive). Each trial is put in a bracket by a draw seeded by the experiment seed and its
 * trial number, weighted by the number of trials Hyperband would start in that bracket, and
 * competes only with the trials of its own bracket. {@code max_resource} is a trial's last step:
 * a rung at or past it is never judged (so the bracket whose first rung is there never prunes, as
 * Hyperband's last bracket trains every trial it starts to the end). {@code judge_by}
 * ({@code value} or {@code curve}) as for {@link AshaPruner}.
 */
public final class HyperbandPruner implements Pruner {
    private final SuccessiveHalving halving;
    private final int brackets;
    private final double[] cumulative;

    HyperbandPruner(int minResource, int maxResource, int reductionFactor, SuccessiveHalving.JudgeBy judgeBy) {
        this.halving = new SuccessiveHalving(minResource, reductionFactor, maxResource, judgeBy);
        int sMax = (int) Math.floor(Math.log((double) maxResource / minResource) / Math.log(reductionFactor) + 1e-9);
        this.brackets = sMax + 1;
        double[] weights = new double[brackets];
        double total = 0;
        for (int b = 0; b < brackets; b++) {
            int s = sMax - b;
            weights[b] = Math.ceil((double) brackets / (s + 1) * Math.pow(reductionFactor, s));
            total += weights[b];
        }
        this.cumulative = new double[brackets];
        double acc = 0;
        for (int b = 0; b < brackets; b++) {
            acc += weights[b] / total;
            cumulative[b] = acc;
        }
    }

    static HyperbandPruner of(Options options) {
        int min = options.integer("min_resource", 1, 1, 1_000_000);
        int max = options.integer("max_resource", 81, 1, 1_000_000);
        int factor = options.integer("reduction_factor", 3, 2, 100);
        var judgeBy = SuccessiveHalving.JudgeBy.of(options.choice("judge_by", "value", SuccessiveHalving.JudgeBy.NAMES));
        options.done();
        if (max <= min) {
            throw TunelabException.invalidSpec(options.name("max_resource") + " (" + max
                    + ") must be above min_resource (" + min + ")");
        }
        return new HyperbandPruner(min, max, factor, judgeBy);
    }

    int brackets() {
        return brackets;
    }

    /** The bracket of a trial: a weighted draw from (seed, trial number). */
    int bracket(long seed, Trial trial) {
        double r = Seeds.forTrial(seed, trial.number(), "hyperband").nextDouble();
        for (int b = 0; b < brackets; b++) {
            if (r < cumulative[b]) {
                return b;
            }
        }
        return brackets - 1;
    }

    @Override
    public Decision decide(PruneContext context) {
        int mine = bracket(context.seed(), context.trial());
        return halving.decide(context, mine, t -> bracket(context.seed(), t) == mine);
    }
}
