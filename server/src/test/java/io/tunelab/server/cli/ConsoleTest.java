package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Racing;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTest {
    @Test
    void aSymmetricIntervalReadsAsPlusMinusAndACutOneAsItsBounds() {
        assertThat(Console.interval(new Statistics(3, 0.9, 0.01, 0.87, 0.93))).isEqualTo(" ± 0.030000");
        assertThat(Console.interval(new Statistics(3, 0.98, 0.01, 0.95, 1.0))).isEqualTo(" [0.95000, 1.0000]");
    }

    @Test
    void aRacedLeaderboardShowsRepetitionsDoneOfPlannedAndRacedOutTrialsWithTheirPValue() {
        var spec = ExperimentSpec.builder("race").minimize("loss").racing(Racing.of(2, 5)).build();
        var experiment = new Experiment(1, "race", ExperimentState.RUNNING, spec, 1, null, null, null);
        var reps = List.of(new Repetition(0, null, Map.of("loss", 0.9)),
                new Repetition(1, null, Map.of("loss", 0.8)));
        var best = new Trial(1, 1, 0, Map.of(), TrialState.COMPLETE,
                Map.of("loss", 0.1), reps, null, null, null, null, null, null, null, null, null)
                .withRank(new RankedTrial(1, 0, RankGroup.BEST, 0.1, 2, 2, null, null, null, null));
        var out = new Trial(2, 1, 1, Map.of(), TrialState.RACED_OUT,
                Map.of("loss", 0.85), reps, null, null, null, null, null, null, null,
                Map.of("race", Map.of("p_value", 0.0123, "shared_repetitions", 2, "incumbent", 0)), null);
        var printed = new ByteArrayOutputStream();

        Console.leaderboard(new PrintStream(printed, true, StandardCharsets.UTF_8), experiment,
                List.of(best, out));

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("REPETITIONS")
                .containsPattern("#0 +best +2 +2/5").containsPattern("#1 +raced out p=0.012 +2 +2/5");
    }

    @Test
    void aGroupSaysTiedWorseWithItsAdjustedPValueOrByValue() {
        assertThat(Console.group(new RankedTrial(1, 0, RankGroup.BEST, 1, 3, 3, null, null, null, null))).isEqualTo("best");
        assertThat(Console.group(new RankedTrial(2, 1, RankGroup.TIED, 1, 3, 3, 0.1, 0.4, 0.8, null))).isEqualTo("tied");
        assertThat(Console.group(new RankedTrial(3, 2, RankGroup.WORSE, 1, 3, 3, 0.1, 0.006, 0.012, null))).isEqualTo("worse p=0.012");
        assertThat(Console.group(new RankedTrial(4, 3, RankGroup.WORSE, 1, 3, 3, 0.1, 1e-5, 2e-5, null))).isEqualTo("worse p<0.001");
        assertThat(Console.group(new RankedTrial(5, 4, RankGroup.UNRANKED, 1, 0, 0, null, null, null, "n"))).isEqualTo("by value");
        assertThat(Console.group(null)).isEqualTo("-");
    }

    @Test
    void anInfeasibleTrialSaysSoWithItsViolationAndTheLineBelowSaysWhenNoneIsFeasible() {
        var spec = ExperimentSpec.builder("c").minimize("loss").constraints(io.tunelab.api.Constraint.atMost("latency_ms", 20))
                .build();
        var experiment = new Experiment(1, "c", ExperimentState.RUNNING, spec, 1, null, null, null);
        var slow = new Trial(1, 1, 0, Map.of(), TrialState.COMPLETE, Map.of("loss", 0.1, "latency_ms", 35.0), null, null, null,
                null, null, null, null, null, null, null)
                .withRank(new RankedTrial(1, 0, RankGroup.INFEASIBLE, 0.1, 0, 0, null, null, null, "infeasible", false, 15.0));
        var unmeasured = new Trial(2, 1, 1, Map.of(), TrialState.COMPLETE, Map.of("loss", 0.2), null, null, null,
                null, null, null, null, null, null, null)
                .withRank(new RankedTrial(2, 1, RankGroup.INFEASIBLE, 0.2, 0, 0, null, null, null, "infeasible", false, null));
        var printed = new ByteArrayOutputStream();

        Console.leaderboard(new PrintStream(printed, true, StandardCharsets.UTF_8), experiment, List.of(slow, unmeasured));

        assertThat(printed.toString(StandardCharsets.UTF_8)).containsPattern("#0 +infeasible \\(violation 15.000\\) +-")
                .containsPattern("#1 +infeasible \\(missing a constrained metric\\) +-")
                .contains("No trial keeps the experiment's constraints; the least infeasible come first.");
    }

    @Test
    void aStoppedExperimentsLeaderboardSaysWhyItStopped() {
        var spec = ExperimentSpec.builder("typo").maximize("accuracy").build();
        String reason = "its first 3 trials all failed with the same error, so every trial would: preprocessing.scaling: \"zscore\" "
                + "is not an option";
        var summary = new io.tunelab.api.ExperimentSummary(1, "typo", ExperimentState.STOPPED, Map.of(TrialState.FAILED, 3), Map.of(),
                null, spec.objectives(), "random", spec.budget(), null, null, reason);
        var printed = new ByteArrayOutputStream();

        Console.leaderboard(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new Experiment(1, "typo", ExperimentState.STOPPED, spec, 1, summary, null, null), List.of());

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Leaderboard of typo (STOPPED", "  stopped: " + reason,
                "no complete trials yet");

        var listed = new ByteArrayOutputStream();
        var running = new io.tunelab.api.ExperimentSummary(2, "fine", ExperimentState.RUNNING, Map.of(TrialState.COMPLETE, 1), Map.of(),
                null, spec.objectives(), "random", spec.budget(), null, null, null);
        Console.experiments(new PrintStream(listed, true, StandardCharsets.UTF_8), List.of(summary, running));
        assertThat(listed.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(4).endsWith("  typo: " + reason);
    }

    @Test
    void aFinalizationOfAnInfeasibleWinnerCarriesItsNote() {
        var spec = ExperimentSpec.builder("c").minimize("loss").build();
        var experiment = new Experiment(1, "c", ExperimentState.COMPLETED, spec, 1, null, null, null);
        var f = new io.tunelab.api.Finalization(1, 0, TrialState.WAITING, null, null, null, null, null, 0, null, null,
                "no trial keeps the experiment's constraints; trial #0 breaks them least (latency_ms 35.0 above max 20.0)");
        assertThat(Console.finalization(experiment, f)).isEqualTo("Finalization of #0: WAITING, waiting for a worker "
                + "(no trial keeps the experiment's constraints; trial #0 breaks them least (latency_ms 35.0 above max 20.0))");
    }
}
