package io.tunelab.server.analysis;

import io.tunelab.api.Constraint;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.PairedTest;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialRanking;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard under constraints: feasible trials are ranked and tied among themselves, infeasible ones follow by violation. */
class ConstrainedRankingTest {
    private static final Objective LOSS = Objective.minimize("loss");
    private static final List<Constraint> LATENCY = List.of(Constraint.atMost("latency_ms", 20));

    @Test
    void infeasibleTrialsComeAfterEveryFeasibleOneLeastViolationFirst() {
        var trials = List.of(
                trial(0, 0.10, 35.0),   // the best loss, far too slow
                trial(1, 0.30, 15.0),
                trial(2, 0.20, 22.0),   // slightly too slow
                trial(3, 0.25, 20.0),   // on the bound: feasible
                trial(4, 0.05, null),   // no latency reported
                trial(5, 0.15, 22.0));  // as slow as #2, better loss
        TrialRanking ranking = rank(trials, LATENCY);

        assertThat(ranking.trials()).extracting(RankedTrial::number).containsExactly(3, 1, 5, 2, 0, 4);
        assertThat(ranking.trials()).extracting(RankedTrial::group).containsExactly(RankGroup.BEST, RankGroup.UNRANKED,
                RankGroup.INFEASIBLE, RankGroup.INFEASIBLE, RankGroup.INFEASIBLE, RankGroup.INFEASIBLE);
        assertThat(ranking.trials()).extracting(RankedTrial::feasible).containsExactly(true, true, false, false, false, false);
        assertThat(ranking.trials()).extracting(RankedTrial::violation).containsExactly(0.0, 0.0, 2.0, 2.0, 15.0, null);
        assertThat(ranking.trials().get(4).note()).isEqualTo("infeasible: latency_ms 35.0 above max 20.0");
        assertThat(ranking.trials().get(5).note()).isEqualTo("infeasible: latency_ms not reported");
        assertThat(Json.write(ranking.trials().get(2))).contains("\"feasible\":false", "\"violation\":2.0", "\"group\":\"infeasible\"");
    }

    @Test
    void theSignificanceTestTiesOnlyFeasibleTrials() {
        // #0 is infeasible and far better; without the constraint it would be the best and #1, #2 worse than it.
        var trials = List.of(
                seeds(0, 40.0, 0.10, 0.11, 0.09, 0.10, 0.10),
                seeds(1, 10.0, 0.50, 0.52, 0.49, 0.51, 0.50),
                seeds(2, 10.0, 0.51, 0.50, 0.50, 0.52, 0.49));
        TrialRanking constrained = rank(trials, LATENCY);
        assertThat(constrained.trials()).extracting(RankedTrial::number, RankedTrial::group)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, RankGroup.BEST),
                        org.assertj.core.groups.Tuple.tuple(2, RankGroup.TIED),
                        org.assertj.core.groups.Tuple.tuple(0, RankGroup.INFEASIBLE));
        assertThat(constrained.trials().get(2).pValue()).isNull();

        TrialRanking free = rank(trials, List.of());
        assertThat(free.trials()).extracting(RankedTrial::group).containsExactly(RankGroup.BEST, RankGroup.WORSE, RankGroup.WORSE);
        assertThat(free.trials()).extracting(RankedTrial::feasible).containsOnlyNulls();
    }

    @Test
    void withoutAFeasibleTrialThereIsNoBest() {
        TrialRanking ranking = rank(List.of(trial(0, 0.1, 30.0), trial(1, 0.2, 25.0)), LATENCY);
        assertThat(ranking.trials()).extracting(RankedTrial::number).containsExactly(1, 0);
        assertThat(ranking.trials()).extracting(RankedTrial::group).containsOnly(RankGroup.INFEASIBLE);
    }

    @Test
    void theSummarysBestIsTheBestFeasibleTrial() {
        ExperimentSpec spec = ExperimentSpec.builder("c").minimize("loss").constraints(LATENCY.getFirst()).build();
        var trials = new ArrayList<>(List.of(trial(0, 0.10, 35.0), trial(1, 0.30, 15.0), trial(2, 0.20, 22.0)));
        trials.sort(Ranking.byFeasibilityThenObjective(spec));
        assertThat(trials).extracting(Trial::number).containsExactly(1, 2, 0);
        ExperimentSpec free = ExperimentSpec.builder("f").minimize("loss").build();
        trials.sort(Ranking.byFeasibilityThenObjective(free));
        assertThat(trials).extracting(Trial::number).containsExactly(0, 2, 1);
    }

    private static TrialRanking rank(List<Trial> trials, List<Constraint> constraints) {
        return SignificanceRanking.rank(trials, LOSS, t -> RepetitionKind.seeds(), PairedTest.PAIRED_T, 0.05, false, constraints);
    }

    private static Trial trial(int number, double loss, Double latency) {
        var values = new HashMap<String, Double>(Map.of("loss", loss));
        if (latency != null) {
            values.put("latency_ms", latency);
        }
        return new Trial(number + 1, 1, number, Map.of("x", number), TrialState.COMPLETE, values, null, null, null, null, null,
                null, null, null, null, null);
    }

    private static Trial seeds(int number, double latency, double... losses) {
        var reps = new ArrayList<Repetition>();
        double sum = 0;
        for (int i = 0; i < losses.length; i++) {
            reps.add(new Repetition(null, (long) i, Map.of("loss", losses[i], "latency_ms", latency)));
            sum += losses[i];
        }
        return new Trial(number + 1, 1, number, Map.of("x", number), TrialState.COMPLETE,
                Map.of("loss", sum / losses.length, "latency_ms", latency), reps, null, null, null, null, null, null, null, null, null);
    }
}
