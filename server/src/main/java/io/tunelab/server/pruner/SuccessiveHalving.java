package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020), the rule under both {@link AshaPruner}
 * and {@link HyperbandPruner}. Rung k sits at step {@code min_resource · η^(rate + k)}; a rung at
 * or past {@code max_resource} (a trial's last step) is never judged: a trial that got there has
 * spent all it would, so pruning it would save nothing and only report it as stopped early. When a
 * trial first reports at or past a rung, it is compared with every trial (of its bracket) that
 * reached that rung so far, each by its value at its first report at or past the rung; it goes on only if it is among the
 * best ⌊n / η⌋ (the very first to arrive always goes on). No trial waits for others.
 *
 * <p>With {@link JudgeBy#CURVE}, a trial ranked out still goes on while the optimistic
 * extrapolation of its own curve ({@link CurveBound}) to the horizon (the furthest step any
 * trial of the experiment reported, at least the next rung, at most {@code max_resource}) is at
 * or below the value that keeps the top ⌊n / η⌋ there: the k-th best of the competitors' best
 * values up to the horizon. So a slow starter whose curve is still falling steeply is not lost to
 * fast starters that have flattened above it. Below {@link CurveBound#MIN_POINTS} reports the
 * value alone decides.
 *
 * <p>Stateless: a trial that reported past a rung before was promoted there (else it would not
 * be reporting), so only the rungs first reached at this step are judged.
 */
final class SuccessiveHalving {
    /** How a rung judges a trial: by its value there alone, or also by its curve's trend. */
    enum JudgeBy {
        VALUE, CURVE;

        static final List<String> NAMES = List.of("value", "curve");

        static JudgeBy of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final int minResource;
    private final int reductionFactor;
    private final long maxResource;
    private final JudgeBy judgeBy;

    /** @param maxResource a trial's last step: no rung at or past it is judged */
    SuccessiveHalving(int minResource, int reductionFactor, long maxResource, JudgeBy judgeBy) {
        this.minResource = minResource;
        this.reductionFactor = reductionFactor;
        this.maxResource = maxResource;
        this.judgeBy = judgeBy;
    }

    Decision decide(PruneContext context, int earlyStoppingRate, Predicate<Trial> competes) {
        Trial trial = context.trial();
        int step = context.step();
        if (Double.isNaN(Reports.at(trial, context.metric(), context.direction(), step))) {
            return Decision.CONTINUE;
        }
        for (int k = 0; ; k++) {
            long rung = rungStep(earlyStoppingRate + k);
            if (step < rung || rung >= maxResource) {
                return Decision.CONTINUE;
            }
            if (Reports.reportedBetween(trial, context.metric(), (int) rung, step)) {
                continue;
            }
            if (!promoted(context, rung, competes)
                    && !(judgeBy == JudgeBy.CURVE && mayStillReachTop(context, rungStep(earlyStoppingRate + k + 1), rung, competes))) {
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

    /** Whether the optimistic extrapolation of the trial's curve could still reach its rung's top share. */
    private boolean mayStillReachTop(PruneContext context, long nextRung, long rung, Predicate<Trial> competes) {
        Trial trial = context.trial();
        var steps = new ArrayList<double[]>();
        for (var r : trial.reports()) {
            Double v = r.values().get(context.metric());
            if (r.step() <= context.step() && r.step() > 0 && v != null && Double.isFinite(v)) {
                steps.add(new double[]{r.step(), context.direction().asLoss(v)});
            }
        }
        if (steps.size() < CurveBound.MIN_POINTS) {
            return false;
        }
        steps.sort((x, y) -> Double.compare(x[0], y[0]));
        long horizon = nextRung;
        for (Trial t : context.others()) {
            for (var r : t.reports()) {
                horizon = Math.max(horizon, r.step());
            }
        }
        horizon = Math.min(horizon, maxResource);
        var best = new ArrayList<Double>();
        for (Trial t : context.others()) {
            if (t.id() != trial.id() && competes.test(t)
                    && !Double.isNaN(Reports.firstFrom(t, context.metric(), context.direction(), rung))) {
                best.add(Reports.bestUpTo(t, context.metric(), context.direction(), (int) Math.min(horizon, Integer.MAX_VALUE)));
            }
        }
        int keep = Math.max(1, (best.size() + 1) / reductionFactor);
        if (best.size() < keep) {
            return true;
        }
        best.sort(Double::compare);
        double[] x = new double[steps.size()];
        double[] y = new double[steps.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps.get(i)[0];
            y[i] = steps.get(i)[1];
        }
        double bound = CurveBound.lowest(x, y, Math.max(horizon, x[x.length - 1]));
        return bound <= best.get(keep - 1);
    }
}
