package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Options;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

/**
 * Prunes a trial whose best value so far is worse than the median of the completed trials'
 * values at the same step. Nothing is pruned before {@code warmup_steps}, before
 * {@code startup_trials} trials have completed, or off the {@code interval_steps} grid.
 */
public final class MedianPruner implements Pruner {
    private final int warmupSteps;
    private final int startupTrials;
    private final int intervalSteps;

    MedianPruner(int warmupSteps, int startupTrials, int intervalSteps) {
        this.warmupSteps = warmupSteps;
        this.startupTrials = startupTrials;
        this.intervalSteps = intervalSteps;
    }

    static MedianPruner of(Options options) {
        var pruner = new MedianPruner(options.integer("warmup_steps", 0, 0, 1_000_000),
                options.integer("startup_trials", 5, 0, 1_000_000),
                options.integer("interval_steps", 1, 1, 1_000_000));
        options.done();
        return pruner;
    }

    @Override
    public Decision decide(PruneContext context) {
        int step = context.step();
        if (step < warmupSteps || (step - warmupSteps) % intervalSteps != 0) {
            return Decision.CONTINUE;
        }
        double mine = Reports.bestUpTo(context.trial(), context.metric(), context.direction(), step);
        if (Double.isNaN(mine)) {
            return Decision.CONTINUE;
        }
        var completed = context.others().stream()
                .filter(t -> t.id() != context.trial().id() && t.state() == TrialState.COMPLETE).toList();
        if (completed.size() < startupTrials) {
            return Decision.CONTINUE;
        }
        double[] values = completed.stream()
                .mapToDouble((Trial t) -> Reports.at(t, context.metric(), context.direction(), step))
                .filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Decision.CONTINUE;
        }
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return mine > median ? Decision.PRUNE : Decision.CONTINUE;
    }
}
