package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Trial;

import java.util.ArrayList;
import java.util.function.Predicate;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020), the rule under both {@link AshaPruner}
 * and {@link HyperbandPruner}. Rung k sits at step {@code min_resource · η^(rate + k)}. When a
 * trial first reports at or past a rung, it is compared with every trial (of its bracket) that
 * reached that rung so far, each by its value at its first report at or past the rung; it goes on only if it is among the
 * best ⌊n / η⌋ (the very first to arrive always goes on). No trial waits for others.
 *
 * <p>Stateless: a trial that reported past a rung before was promoted there (else it would not
 * be reporting), so only the rungs first reached at this step are judged.
 */
final class SuccessiveHalving {
    private final int minResource;
    private final int reductionFactor;
    private final long maxResource;

    /** @param maxResource no rung lies beyond this step */
    SuccessiveHalving(int minResource, int reductionFactor, long maxResource) {
        this.minResource = minResource;
        this.reductionFactor = reductionFactor;
        this.maxResource = maxResource;
    }

    Decision decide(PruneContext context, int earlyStoppingRate, Predicate<Trial> competes) {
        Trial trial = context.trial();
        int step = context.step();
        if (Double.isNaN(Reports.at(trial, context.metric(), context.direction(), step))) {
            return Decision.CONTINUE;
        }
        for (int k = 0; ; k++) {
            long rung = rungStep(earlyStoppingRate + k);
            if (step < rung || rung > maxResource) {
                return Decision.CONTINUE;
            }
            if (Reports.reportedBetween(trial, context.metric(), (int) rung, step)) {
                continue;
            }
            if (!promoted(context, rung, competes)) {
                return Decision.PRUNE;
            }
        }
    }

    long rungStep(int k) {
        double step = minResource * Math.pow(reductionFactor, k);
        return step >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (long) step;
    }

    private boolean promoted(PruneContext context, long rung, Predicate<Trial> competes) {
        Trial trial = context.trial();
        double mine = Reports.at(trial, context.metric(), context.direction(), context.step());
        var competing = new ArrayList<Double>();
        competing.add(mine);
        for (Trial t : context.others()) {
            if (t.id() == trial.id() || !competes.test(t)) {
                continue;
            }
            double v = Reports.firstFrom(t, context.metric(), context.direction(), rung);
            if (!Double.isNaN(v)) {
                competing.add(v);
            }
        }
        int keep = Math.max(1, competing.size() / reductionFactor);
        competing.sort(Double::compare);
        return mine <= competing.get(keep - 1);
    }
}
