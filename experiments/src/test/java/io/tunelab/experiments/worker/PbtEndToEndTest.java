package io.tunelab.experiments.worker;

import io.tunelab.api.Artifact;
import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Specs;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * experiments/sweeps/digits-pbt.yaml served by a real server and a real worker process: every
 * member of every generation completes, leaves a checkpoint artifact, and records a lineage
 * whose schedule grows by one generation along each parent link.
 */
@Tag("slow")
class PbtEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theDigitsPopulationTrainsFourGenerationsFromEachOthersCheckpoints() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(Specs.load(TunelabProcesses.home().resolve("experiments/sweeps/digits-pbt.yaml")));
            assertThat(experiment.awaitCompletion(Duration.ofMinutes(8)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);

            // One by one: a trial read alone carries its reports.
            List<Trial> trials = experiment.trials().stream().map(t -> client.trial(t.id())).toList();
            assertThat(trials).hasSize(16).allSatisfy(t -> assertThat(t.state()).as(t.error()).isEqualTo(TrialState.COMPLETE));
            var byId = new java.util.HashMap<Long, Trial>();
            trials.forEach(t -> byId.put(t.id(), t));
            for (Trial t : trials) {
                assertThat(Artifacts.of(client).list(t.id())).extracting(Artifact::name).contains("checkpoint.zip");
                var pbt = (Map<String, Object>) t.provenance().get("pbt");
                int generation = ((Number) pbt.get("generation")).intValue();
                assertThat(generation).isEqualTo(t.number() / 4);
                var schedule = (List<Map<String, Object>>) pbt.get("schedule");
                assertThat(t.reports()).isNotEmpty();
                if (pbt.get("parent") == null) {
                    assertThat(schedule).hasSize(1);
                    continue;
                }
                Trial parent = byId.get(((Number) pbt.get("parent")).longValue());
                var parentPbt = (Map<String, Object>) parent.provenance().get("pbt");
                assertThat(((Number) parentPbt.get("generation")).intValue()).isEqualTo(generation - 1);
                assertThat(schedule).hasSize(((List<?>) parentPbt.get("schedule")).size() + 1);
                // Epochs are counted along the lineage: this member's first report comes after its parent's last.
                assertThat(t.reports().getFirst().step()).isEqualTo(parent.reports().getLast().step() + 1);
            }
            assertThat(trials).filteredOn(t -> t.number() >= 4).isNotEmpty()
                    .allSatisfy(t -> assertThat(((Map<String, Object>) t.provenance().get("pbt"))).containsKey("parent"));
        }
    }

    @Test
    void aMemberWhoseWorkerIsKilledIsContinuedFromTheSameParentByAnotherWorker() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"), "--lease-seconds", "4");
             TunelabClient client = server.client()) {
            // Generations long enough (8 epochs of digits without early stopping) to be caught mid-training.
            var spec = ExperimentSpec.builder("kill-a-member").maximize("accuracy")
                    .param("training.learning_rate", FloatParam.log(1e-3, 1e-2))
                    .strategy(new StrategySpec("pbt", 5L, Map.of("population", 2, "ready", 8, "quantile", 0.5)))
                    .budget(new Budget(6, 2, null))
                    .task(Map.of("dataset", Map.of("name", "digits", "validation", Map.of("holdout", 0.2)),
                            "model", Map.of("layers", 1, "units", 32),
                            "training", Map.of("epochs", 8, "patience", 0, "batch_size", 32)))
                    .build();
            var experiment = client.launch(spec);

            var doomed = TunelabProcesses.startWorker(server, 1, dir.resolve("doomed.log"));
            Trial victim = awaitRunning(experiment, 2, Duration.ofSeconds(180));
            WorkerKillTest.awaitReports(client, victim.id(), 2, Duration.ofSeconds(60));
            doomed.kill();

            try (var rescuer = TunelabProcesses.startWorker(server, 1, dir.resolve("rescuer.log"))) {
                assertThat(experiment.awaitCompletion(Duration.ofMinutes(5)).state())
                        .as("rescuer log:\n%s", Files.readString(dir.resolve("rescuer.log"))).isEqualTo(ExperimentState.COMPLETED);
                assertThat(experiment.trials()).hasSize(6).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
                Trial rescued = client.trial(victim.id());
                assertThat(rescued.worker()).doesNotEndWith(":" + doomed.process().pid());
                assertThat(rescued.params()).isEqualTo(victim.params());
                @SuppressWarnings("unchecked")
                var pbt = (Map<String, Object>) rescued.provenance().get("pbt");
                assertThat(((Number) pbt.get("parent")).longValue()).isEqualTo(((Number) victim.params().get("pbt.parent")).longValue());
                assertThat(Artifacts.of(client).list(rescued.id())).extracting(Artifact::name).contains("checkpoint.zip");
            }
        }
    }

    /** The trial of this number once it runs. */
    private static Trial awaitRunning(io.tunelab.client.ExperimentHandle experiment, int number, Duration timeout) throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        while (java.time.Instant.now().isBefore(deadline)) {
            var found = experiment.trials().stream().filter(t -> t.number() == number && t.state() == TrialState.RUNNING).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("trial #" + number + " did not run within " + timeout);
    }
}
