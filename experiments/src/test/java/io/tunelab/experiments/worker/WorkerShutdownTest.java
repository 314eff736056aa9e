package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
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
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM stops a worker gracefully: it leases nothing more and finishes the trial it runs. */
@Tag("slow")
class WorkerShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigtermLetsTheRunningTrialFinishAndLeasesNothingMore() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client()) {
            var experiment = client.launch(ExperimentSpec.builder("graceful").maximize("accuracy")
                    .param("model.units", IntParam.of(16, 32))
                    .strategy(new StrategySpec("random", 2L, Map.of()))
                    .budget(new Budget(5, 1, null))
                    .task(Map.of("dataset", Map.of("name", "digits", "validation", Map.of("holdout", 0.2)),
                            "model", Map.of("layers", 1),
                            "training", Map.of("epochs", 12, "patience", 0)))
                    .build());
            var worker = TunelabProcesses.startWorker(server, 1, dir.resolve("worker.log"));
            String name = ":" + worker.process().pid();

            Trial running = null;
            Instant deadline = Instant.now().plusSeconds(120);
            while (running == null && Instant.now().isBefore(deadline)) {
                running = experiment.trials().stream()
                        .filter(t -> t.state() == TrialState.RUNNING && t.worker() != null && t.worker().endsWith(name))
                        .findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertThat(running).as("a trial running on the worker").isNotNull();

            assertThat(worker.terminate(Duration.ofSeconds(90))).as("the worker exits after SIGTERM").isTrue();

            Trial finished = client.trial(running.id());
            assertThat(finished.state()).as("worker log:\n%s", Files.readString(dir.resolve("worker.log")))
                    .isEqualTo(TrialState.COMPLETE);
            assertThat(finished.worker()).endsWith(name);
            assertThat(experiment.trials()).filteredOn(t -> t.state() == TrialState.RUNNING).isEmpty();
        }
    }
}
