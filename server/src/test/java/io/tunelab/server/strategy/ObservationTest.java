package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Report;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationTest {
    static final SearchSpace SPACE = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();

    static Trial trial(int number, TrialState state, Double value, Report... reports) {
        return new Trial(number + 1, 1, number, Map.of("x", number / 100.0), state, value == null ? null : Map.of("loss", value),
                null, null, List.of(reports), null, null, null, null, null, null, null);
    }

    static Report report(int step, double loss) {
        return new Report(step, Map.of("loss", loss), null);
    }

    static List<Observation> observe(boolean completeOnly, Trial... trials) {
        var context = new ProposalContext(SPACE, StrategyContract.ONE, 1, trials.length, List.of(trials));
        return Observation.of(context, new UnitSpace(SPACE), null, completeOnly);
    }

    @Test
    void everyFinishedStateIsObservedAndRankedAsOptunaDoes() {
        var observed = observe(false,
                trial(0, TrialState.FAILED, null),
                trial(1, TrialState.PRUNED, null, report(1, 0.1), report(3, 0.9)),
                trial(2, TrialState.COMPLETE, 0.5),
                trial(3, TrialState.RUNNING, null, report(1, 0.01)),
                trial(4, TrialState.PRUNED, null, report(1, 0.05)),
                trial(5, TrialState.PRUNED, null, report(3, 0.4)),
                trial(6, TrialState.COMPLETE, 0.7),
                trial(7, TrialState.WAITING, null),
                trial(8, TrialState.COMPLETE, Double.NaN));
        assertThat(observed).extracting(o -> o.trial().number()).containsExactly(0, 1, 2, 4, 5, 6, 8);
        // A pruned trial counts with its last report, and the step it reached.
        var pruned = observed.get(1);
        assertThat(pruned.loss()).isEqualTo(0.9);
        assertThat(pruned.step()).isEqualTo(3);
        // Complete by value; pruned by step (later first), then value; failed and value-less last.
        assertThat(observed.stream().sorted(Observation.BEST_FIRST).map(o -> o.trial().number()))
                .containsExactly(2, 6, 5, 1, 4, 0, 8);
    }

    @Test
    void racedOutTrialsRankAfterTheCompleteOnesByTheirMeanAndBeforeThePrunedOnes() {
        var observed = observe(false,
                trial(0, TrialState.PRUNED, null, report(9, 0.01)),
                trial(1, TrialState.RACED_OUT, 0.6),
                trial(2, TrialState.COMPLETE, 0.9),
                trial(3, TrialState.RACED_OUT, 0.4),
                trial(4, TrialState.FAILED, null));
        assertThat(observed.get(1).loss()).isEqualTo(0.6);
        assertThat(observed.get(1).tier()).isEqualTo(Observation.RACED_OUT);
        assertThat(observed.stream().sorted(Observation.BEST_FIRST).map(o -> o.trial().number()))
                .containsExactly(2, 3, 1, 0, 4);
        assertThat(observe(true, trial(0, TrialState.RACED_OUT, 0.1), trial(1, TrialState.COMPLETE, 0.5)))
                .extracting(o -> o.trial().number()).containsExactly(1);
    }

    @Test
    void completeOnlyLeavesTheOthersOut() {
        var observed = observe(true, trial(0, TrialState.PRUNED, null, report(2, 0.1)), trial(1, TrialState.COMPLETE, 0.5),
                trial(2, TrialState.FAILED, null), trial(3, TrialState.COMPLETE, Double.POSITIVE_INFINITY));
        assertThat(observed).extracting(o -> o.trial().number()).containsExactly(1);
    }

    @Test
    void trialsOutsideTheConstraintsRankAfterFeasibleAndPrunedOnesByViolationAndBeforeFailedOnes() {
        var constraints = List.of(io.tunelab.api.Constraint.atMost("latency", 10));
        var trials = List.of(
                withLatency(0, TrialState.COMPLETE, 0.1, 30.0),
                withLatency(1, TrialState.COMPLETE, 0.9, 5.0),
                withLatency(2, TrialState.COMPLETE, 0.2, 12.0),
                withLatency(3, TrialState.COMPLETE, 0.05, null),
                trial(4, TrialState.PRUNED, null, report(2, 0.3)),
                trial(5, TrialState.FAILED, null),
                withLatency(6, TrialState.RACED_OUT, 0.4, 11.0));
        var context = new ProposalContext(SPACE, StrategyContract.ONE, 1, trials.size(), trials, null, constraints);
        var observed = Observation.of(context, new UnitSpace(SPACE), null, false);
        assertThat(observed).extracting(Observation::tier).containsExactly(Observation.CONSTRAINED, Observation.COMPLETE,
                Observation.CONSTRAINED, Observation.CONSTRAINED, Observation.PRUNED, Observation.INFEASIBLE,
                Observation.CONSTRAINED);
        assertThat(observed).extracting(Observation::violation).containsExactly(20.0, 0.0, 2.0, Double.POSITIVE_INFINITY, 0.0,
                0.0, 1.0);
        assertThat(observed.stream().sorted(Observation.BEST_FIRST).map(o -> o.trial().number()))
                .containsExactly(1, 4, 6, 2, 0, 3, 5);
        // Learning from complete trials alone keeps the constrained complete ones.
        assertThat(Observation.of(context, new UnitSpace(SPACE), null, true)).extracting(o -> o.trial().number())
                .containsExactly(0, 1, 2, 3);
    }

    static Trial withLatency(int number, TrialState state, double loss, Double latency) {
        var values = new java.util.HashMap<String, Double>(Map.of("loss", loss));
        if (latency != null) {
            values.put("latency", latency);
        }
        return new Trial(number + 1, 1, number, Map.of("x", number / 100.0), state, values, null, null, List.of(), null, null,
                null, null, null, null, null);
    }
}
