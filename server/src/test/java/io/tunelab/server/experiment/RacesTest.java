package io.tunelab.server.experiment;

import io.tunelab.api.Constraint;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Racing;
import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RacesTest {
    private static final ExperimentSpec.Builder RACE = ExperimentSpec.builder("race").minimize("loss")
            .param("x", FloatParam.of(0, 1)).racing(Racing.of(2, 3));

    /** A fast incumbent that breaks latency_ms ≤ 20, and a challenger clearly worse on loss that keeps it. */
    private static final Trial INCUMBENT = new Trial(1, 1, 0, Map.of("x", 0.1), TrialState.COMPLETE,
            Map.of("loss", 0.11, "latency_ms", 50.0), List.of(
            new Repetition(0, null, Map.of("loss", 0.10, "latency_ms", 50.0)),
            new Repetition(1, null, Map.of("loss", 0.11, "latency_ms", 50.0)),
            new Repetition(2, null, Map.of("loss", 0.12, "latency_ms", 50.0))),
            null, null, null, null, null, null, null, null, null);
    private static final Trial CHALLENGER = new Trial(2, 1, 1, Map.of("x", 0.9), TrialState.RUNNING,
            Map.of("loss", 0.5, "latency_ms", 10.0), List.of(new Repetition(0, null, Map.of("loss", 0.50, "latency_ms", 10.0))),
            null, null, null, null, null, null, null, null, null);

    @Test
    void onlyAFeasibleTrialIsTheIncumbentThatRacesOthersOut() {
        var history = List.of(INCUMBENT, CHALLENGER);

        Trial free = Races.told(CHALLENGER, TrialResult.complete(Map.of("loss", 0.51)), RACE.build(), history, Instant.EPOCH, null);
        assertThat(free.state()).isEqualTo(TrialState.RACED_OUT);

        var constrained = RACE.constraints(Constraint.atMost("latency_ms", 20)).build();
        var second = TrialResult.complete(Map.of("loss", 0.51, "latency_ms", 12.0));
        Trial kept = Races.told(CHALLENGER, second, constrained, history, Instant.EPOCH, null);
        assertThat(kept.state()).as("no feasible incumbent: the challenger leads").isEqualTo(TrialState.WAITING);
        assertThat(kept.values()).as("held to the mean of its repetitions").containsEntry("latency_ms", 11.0);
    }
}
