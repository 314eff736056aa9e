package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Specs;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of experiments/sweeps/breast-cancer-runners.yaml with a real server and a real
 * worker process: the sweep searches task.runner, so its trials run on DL4J and on Tribuo, each
 * trial says which runner ran it, and the leaderboard ranks them together.
 */
@Tag("slow")
class RunnersEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void oneSweepSearchesModelFamiliesAcrossLibrariesAndTheLeaderboardRanksThemTogether() throws Exception {
        ExperimentSpec file = Specs.load(TunelabProcesses.home().resolve("experiments/sweeps/breast-cancer-runners.yaml"));
        ExperimentSpec tiny = file.withName("runners-e2e").withBudget(new Budget(6, 2, null));
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(tiny);

            assertThat(experiment.awaitCompletion(Duration.ofMinutes(8)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);

            List<Trial> trials = experiment.trials();
            assertThat(trials).hasSize(6).allSatisfy(t -> assertThat(t.state()).as("trial %d: %s", t.id(), t.error())
                    .isEqualTo(TrialState.COMPLETE));
            for (Trial t : trials) {
                assertThat(t.provenance().get("runner")).isEqualTo(t.params().get("runner"));
                assertThat(t.repetitions()).hasSize(3);
                assertThat(t.value("roc_auc")).isBetween(0.5, 1.0);
            }
            List<Trial> board = experiment.leaderboard(6);
            assertThat(board).extracting(t -> t.params().get("runner")).contains("dl4j", "tribuo");
            assertThat(board.getFirst().value("roc_auc")).isGreaterThan(0.95);
            for (Trial t : board) {
                assertThat(client.downloadModel(t.id())).as("model of trial %d", t.id()).isNotEmpty();
            }
        }
    }
}
