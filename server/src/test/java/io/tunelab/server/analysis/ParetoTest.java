package io.tunelab.server.analysis;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.testing.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ParetoTest {
    static final List<Objective> LOSS_AND_ACCURACY = List.of(Objective.minimize("loss"), Objective.maximize("accuracy"));

    static Trial trial(int number, TrialState state, double loss, double accuracy) {
        return new Trial(number + 1, 1, number, Map.of(), state, Map.of("loss", loss, "accuracy", accuracy),
                null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void theFrontHoldsTheTrialsNoOtherTrialBeatsOnEveryObjective() {
        var history = List.of(
                trial(0, TrialState.COMPLETE, 0.5, 0.80),   // dominated by 2
                trial(1, TrialState.COMPLETE, 0.1, 0.70),   // best loss
                trial(2, TrialState.COMPLETE, 0.3, 0.85),   // trade-off
                trial(3, TrialState.COMPLETE, 0.6, 0.95),   // best accuracy
                trial(4, TrialState.PRUNED, 0.0, 0.99),     // not complete: ignored
                trial(5, TrialState.COMPLETE, 0.3, 0.85));  // ties with 2: kept
        assertThat(Pareto.front(history, LOSS_AND_ACCURACY)).extracting(Trial::number).containsExactly(1, 2, 3, 5);
    }

    static Stream<Arguments> lossesAndAccuracies() {
        return Cases.of(200, draw -> Arguments.of(draw.listOf(0, 40, () -> draw.doubleIn(0, 1)),
                draw.listOf(0, 40, () -> draw.doubleIn(0, 1))));
    }

    @ParameterizedTest
    @MethodSource("lossesAndAccuracies")
    void noFrontMemberIsDominatedAndEveryOtherTrialIs(List<Double> losses, List<Double> accuracies) {
        int n = Math.min(losses.size(), accuracies.size());
        var history = new ArrayList<Trial>();
        for (int i = 0; i < n; i++) {
            // Rounded so that ties and duplicates occur.
            history.add(trial(i, TrialState.COMPLETE, Math.round(losses.get(i) * 10) / 10.0, Math.round(accuracies.get(i) * 10) / 10.0));
        }
        var front = Pareto.front(history, LOSS_AND_ACCURACY);
        for (Trial t : history) {
            boolean dominated = history.stream().anyMatch(o -> Pareto.dominates(
                    Pareto.losses(o, LOSS_AND_ACCURACY), Pareto.losses(t, LOSS_AND_ACCURACY)));
            assertThat(front.contains(t)).as("trial %d", t.number()).isEqualTo(!dominated);
        }
    }
}
