package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code tunelab sweep run} shows when its server goes away while it watches: it waits and
 * goes on watching when the server is back on the same port, and gives up, exit 1, saying how to
 * look again, when the server stays away. Before, the first failed poll ended the command with a
 * Java class name in its message.
 */
class ProgressTest {
    @Test
    void watchingRidesOutAServerRestartAndGivesUpOnOneThatStaysAway(@TempDir Path dir) throws Exception {
        ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
        int port = server.port();
        String token = server.newAdminToken().orElseThrow();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var client = TunelabClient.connect(server.origin(), token);
             var watcher = Executors.newSingleThreadExecutor()) {
            ExperimentHandle handle = client.launch(ExperimentSpec.builder("watched").minimize("loss")
                    .param("x", FloatParam.of(0, 1)).trials(1).build());
            server.close();
            var watching = watcher.submit(() -> Progress.follow(client, handle, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMinutes(2)));
            // Restarted only once the watcher has found it gone.
            for (int i = 0; i < 600 && !out.toString(StandardCharsets.UTF_8).contains("waiting up to"); i++) {
                Thread.sleep(50);
            }
            server = ApiServer.start(ServerConfig.of(dir, port));
            TrialProposal t = client.ask("watched");
            client.result(t.id(), TrialResult.complete(Map.of("loss", 0.5)));

            assertThat(watching.get(2, TimeUnit.MINUTES)).as(err.toString(StandardCharsets.UTF_8)).isZero();
            String shown = out.toString(StandardCharsets.UTF_8);
            // A pooled connection finds the server gone first ("lost the connection"), a new one cannot reach it.
            assertThat(shown).containsPattern("the server does not answer: (lost the connection to|cannot reach the Tunelab server at) "
                            + server.origin())
                    .contains("waiting up to 2 minutes for it (the experiment and its workers go on without this command")
                    .contains("the server answers again")
                    .contains("Leaderboard of watched (COMPLETED").doesNotContain("Exception");

            server.close();
            server = null;
            out.reset();
            int gaveUp = Progress.follow(client, handle, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(2));
            assertThat(gaveUp).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: the server has not answered for 2 s; the experiment "
                    + "is stored there: once it is back, watch it with tunelab leaderboard watched");
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void waitingForAFinalizationRidesOutAServerRestart(@TempDir Path dir) throws Exception {
        ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
        int port = server.port();
        var out = new ByteArrayOutputStream();
        try (var client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow());
             var waiter = Executors.newSingleThreadExecutor()) {
            ExperimentHandle handle = client.launch(ExperimentSpec.builder("refit").maximize("accuracy")
                    .param("x", FloatParam.of(0, 1)).trials(1)
                    .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
            TrialProposal t = client.ask("refit");
            client.result(t.id(), TrialResult.complete(Map.of("accuracy", 0.9)));
            server.close();
            var waiting = waiter.submit(() -> FinalizeCommand.awaitFinalization(client, "refit",
                    new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofMinutes(2)));
            for (int i = 0; i < 600 && !out.toString(StandardCharsets.UTF_8).contains("waiting up to"); i++) {
                Thread.sleep(50);
            }
            server = ApiServer.start(ServerConfig.of(dir, port));
            handle.finalEvaluation(t.id(), Map.of("accuracy", 0.88));

            assertThat(waiting.get(2, TimeUnit.MINUTES).state()).isEqualTo(io.tunelab.api.TrialState.COMPLETE);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("the server does not answer: ").contains("the server answers again");
        } finally {
            server.close();
        }
    }

    @Test
    void aSweepWithATestSplitWhoseTrialsAllFailedEndsWithoutWaitingForAFinalization(@TempDir Path dir) throws Exception {
        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
             var client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow())) {
            ExperimentHandle handle = client.launch(ExperimentSpec.builder("failing").maximize("accuracy")
                    .param("x", FloatParam.of(0, 1)).trials(2)
                    .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
            for (int i = 0; i < 2; i++) {
                TrialProposal t = client.ask("failing");
                client.result(t.id(), TrialResult.failed("broken " + i));
            }
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            var watcher = Executors.newSingleThreadExecutor();
            try {
                var watching = watcher.submit(() -> Progress.follow(client, handle, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(5)));
                // Before, it waited for a finalization that never comes; then it ended with exit 0, as a success.
                assertThat(watching.get(1, TimeUnit.MINUTES)).isEqualTo(2);
            } finally {
                watcher.shutdownNow();
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("No trial completed, so there is no winner to refit")
                    .doesNotContain("Finalizing the winner").contains("Leaderboard of failing (COMPLETED");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: experiment failing ended COMPLETED without a complete "
                    + "trial, so it has no result; each trial's error is in tunelab export failing")
                    .contains("tunelab sweep resume failing --trials N");
        }
    }

    @Test
    void aSweepTheServerStoppedForFailingTrialsEndsTheWatchWithAnErrorAndAPausedOneDoesNot(@TempDir Path dir) throws Exception {
        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
             var client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow())) {
            ExperimentHandle failing = client.launch(ExperimentSpec.builder("unusable").maximize("accuracy")
                    .param("x", FloatParam.of(0, 1)).trials(10).task(Map.of("dataset", Map.of("name", "iris"))).build());
            for (int i = 0; i < 3; i++) {
                client.result(client.ask("unusable").id(), TrialResult.failed("unusable data: no column target"));
            }
            ExperimentHandle paused = client.launch(ExperimentSpec.builder("paused").minimize("loss")
                    .param("x", FloatParam.of(0, 1)).trials(10).build());
            paused.pause();
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();

            int stopped = Progress.follow(client, failing, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(5));
            int watchedPause = Progress.follow(client, paused, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(5));

            assertThat(stopped).isEqualTo(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("stopped: its first 3 trials all failed with the same error");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: experiment unusable ended STOPPED without a complete trial")
                    .contains("fix what its stop reason above names, then run it again with tunelab sweep resume unusable --trials N");
            assertThat(watchedPause).as("a pause is no failure: resumed, it goes on").isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("experiment paused");
        }
    }
}
