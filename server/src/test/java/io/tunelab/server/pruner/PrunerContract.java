package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Direction;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every pruner keeps (see {@link Pruner}), for any implementation, a user's
 * included: extend this class and say how to create it. A decision is a function of its context
 * alone (the same context, the same decision, from any instance and any thread, whatever the
 * order of the other trials); the first trial and the best trial at a step go on; the direction
 * is respected; other trials in any state, with or without reports, are taken in stride; and a
 * pruner that prunes at all prunes a trial far worse than many others.
 */
public abstract class PrunerContract {
    /** The pruner under test. */
    protected abstract Pruner create();

    /** Whether it ever prunes ({@code false} for the pruner that never does). */
    protected boolean prunes() {
        return true;
    }

    /** A trial with one report per step: values[i] at step i + 1. */
    protected static Trial trial(int number, TrialState state, double... values) {
        var reports = new ArrayList<Report>();
        for (int i = 0; i < values.length; i++) {
            reports.add(new Report(i + 1, Map.of("loss", values[i]), null));
        }
        return new Trial(number + 1, 1, number, Map.of(), state, Map.of(), null, null, reports, null, null, null, null, null, null, null);
    }

    private static PruneContext context(Trial trial, List<Trial> others, Direction direction) {
        var all = new ArrayList<>(others);
        all.add(trial);
        return new PruneContext("loss", direction, trial, trial.reports().getLast().step(), all, 42);
    }

    /** Many finished trials with losses around 1 at every step, each a little different. */
    private static List<Trial> crowd(int n, double sign) {
        var random = new Random(7);
        var out = new ArrayList<Trial>();
        for (int i = 0; i < n; i++) {
            double[] values = new double[27];
            for (int s = 0; s < values.length; s++) {
                values[s] = sign * (1 + 0.5 / (s + 1) + 0.1 * random.nextDouble());
            }
            out.add(trial(i, TrialState.COMPLETE, values));
        }
        return out;
    }

    private static double[] constant(double value, int steps) {
        double[] v = new double[steps];
        java.util.Arrays.fill(v, value);
        return v;
    }

    @Test
    void theFirstTrialGoesOn() {
        Pruner pruner = create();
        for (int steps = 1; steps <= 27; steps++) {
            assertThat(pruner.decide(context(trial(0, TrialState.RUNNING, constant(100, steps)), List.of(), Direction.MINIMIZE)))
                    .isEqualTo(Decision.CONTINUE);
        }
    }

    @Test
    void theBestTrialAtEveryStepGoesOn() {
        Pruner pruner = create();
        var others = crowd(40, 1);
        for (int steps = 1; steps <= 27; steps++) {
            Trial best = trial(40, TrialState.RUNNING, constant(0.01, steps));
            assertThat(pruner.decide(context(best, others, Direction.MINIMIZE))).as("step %s", steps).isEqualTo(Decision.CONTINUE);
        }
    }

    @Test
    void aTrialFarWorseThanManyOthersIsPrunedBeforeItsLastStep() {
        Pruner pruner = create();
        var others = crowd(60, 1);
        boolean pruned = false;
        for (int steps = 1; steps <= 27 && !pruned; steps++) {
            pruned = pruner.decide(context(trial(60, TrialState.RUNNING, constant(50, steps)), others, Direction.MINIMIZE)) == Decision.PRUNE;
        }
        assertThat(pruned).isEqualTo(prunes());
    }

    @Test
    void theSameContextGetsTheSameDecisionFromAnyInstanceWhateverTheOrderOfTheOthers() {
        var others = crowd(50, 1);
        for (int steps = 1; steps <= 27; steps += 2) {
            for (double level : new double[]{0.9, 1.2, 3}) {
                Trial t = trial(50, TrialState.RUNNING, constant(level, steps));
                Decision first = create().decide(context(t, others, Direction.MINIMIZE));
                var shuffled = new ArrayList<>(others);
                Collections.shuffle(shuffled, new Random(steps));
                assertThat(create().decide(context(t, shuffled, Direction.MINIMIZE))).isEqualTo(first);
                assertThat(create().decide(context(t, others, Direction.MINIMIZE))).isEqualTo(first);
            }
        }
    }

    @Test
    void maximizingTheNegatedMetricDecidesAsMinimizingIt() {
        var others = crowd(50, 1);
        var negated = crowd(50, -1);
        for (int steps = 1; steps <= 27; steps += 2) {
            for (double level : new double[]{0.9, 1.2, 3, 50}) {
                Decision min = create().decide(context(trial(50, TrialState.RUNNING, constant(level, steps)), others, Direction.MINIMIZE));
                Decision max = create().decide(context(trial(50, TrialState.RUNNING, constant(-level, steps)), negated, Direction.MAXIMIZE));
                assertThat(max).as("step %s, level %s", steps, level).isEqualTo(min);
            }
        }
    }

    @Test
    void otherTrialsInEveryStateWithOrWithoutReportsAreTakenInStride() {
        var others = new ArrayList<Trial>(crowd(10, 1));
        others.add(trial(10, TrialState.RUNNING));
        others.add(trial(11, TrialState.WAITING));
        others.add(trial(12, TrialState.FAILED, 1, 1));
        others.add(trial(13, TrialState.PRUNED, 9, 9, 9));
        others.add(trial(14, TrialState.RUNNING, 0.5));
        Pruner pruner = create();
        for (int steps = 1; steps <= 27; steps++) {
            assertThat(pruner.decide(context(trial(15, TrialState.RUNNING, constant(1.1, steps)), others, Direction.MINIMIZE))).isNotNull();
        }
    }

    @Test
    void concurrentDecisionsEqualSequentialOnes() throws Exception {
        Pruner shared = create();
        var others = crowd(40, 1);
        var contexts = new ArrayList<PruneContext>();
        var expected = new ArrayList<Decision>();
        for (int steps = 1; steps <= 27; steps++) {
            PruneContext c = context(trial(40, TrialState.RUNNING, constant(1 + steps % 3 * 0.2, steps)), others, Direction.MINIMIZE);
            contexts.add(c);
            expected.add(create().decide(c));
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<Future<Decision>>();
            for (int round = 0; round < 4; round++) {
                for (PruneContext c : contexts) {
                    futures.add(pool.submit(() -> shared.decide(c)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(expected.get(i % contexts.size()));
            }
        }
    }
}
