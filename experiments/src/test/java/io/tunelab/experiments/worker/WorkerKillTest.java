package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker killed with SIGKILL in the middle of a trial loses only that trial's progress: its
 * lease expires, the server hands the trial to another worker, which completes it; no trial
 * is recorded twice and every trial of the budget ends COMPLETE.
 */
@Tag("slow")
class WorkerKillTest {
    @TempDir
    Path dir;

    @Test
    void aKilledWorkersTrialIsCompletedByAnotherWorkerAndRecordedOnce() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"), "--lease-seconds", "4");
             TunelabClient client = server.client()) {
            // Trials long enough (digits, 25 epochs without early stopping) to be caught mid-training.
            var spec = ExperimentSpec.builder("kill-a-worker").maximize("accuracy")
                    .param("model.units", IntParam.of(16, 48))
                    .strategy(new StrategySpec("random", 5L, Map.of()))
                    .budget(new Budget(3, 1, null))
                    .task(Map.of("dataset", Map.of("name", "digits", "validation", Map.of("holdout", 0.2)),
                            "model", Map.of("layers", 1),
                            "training", Map.of("epochs", 25, "patience", 0, "batch_size", 32)))
                    .build();
            var experiment = client.launch(spec);

            var doomed = TunelabProcesses.startWorker(server, 1, dir.resolve("doomed.log"));
            String doomedName = ":" + doomed.process().pid();
            Trial victim = awaitRunningTrialOf(experiment, doomedName, Duration.ofSeconds(120));
            // Let it report a few epochs so that it is truly mid-trial.
            awaitReports(client, victim.id(), 2, Duration.ofSeconds(60));
            doomed.kill();

            try (var rescuer = TunelabProcesses.startWorker(server, 1, dir.resolve("rescuer.log"))) {
                var done = experiment.awaitCompletion(Duration.ofMinutes(4));
                assertThat(done.state()).as("rescuer log:\n%s", Files.readString(dir.resolve("rescuer.log")))
                        .isEqualTo(ExperimentState.COMPLETED);

                List<Trial> trials = experiment.trials();
                assertThat(trials).hasSize(3);
                assertThat(trials).extracting(Trial::id).doesNotHaveDuplicates();
                assertThat(trials).extracting(Trial::number).doesNotHaveDuplicates();
                assertThat(trials).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));

                Trial rescued = client.trial(victim.id());
                assertThat(rescued.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(rescued.worker()).doesNotEndWith(doomedName);
                assertThat(rescued.repetitions()).hasSize(1);
                assertThat(rescued.value("accuracy")).isGreaterThan(0.8);
                assertThat(rescued.provenance()).containsEntry("worker", rescued.worker());
            }
        }
    }

    private static Trial awaitRunningTrialOf(io.tunelab.client.ExperimentHandle experiment, String workerSuffix, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<Trial> running = experiment.trials().stream()
                    .filter(t -> t.state() == TrialState.RUNNING && t.worker() != null && t.worker().endsWith(workerSuffix))
                    .findFirst();
            if (running.isPresent()) {
                return running.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no trial ran on the worker within " + timeout);
    }

    static void awaitReports(TunelabClient client, long trialId, int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Trial t = client.trial(trialId);
            if (t.reports().size() >= count || t.state() != TrialState.RUNNING) {
                assertThat(t.state()).as("the trial should still be running when the worker is killed").isEqualTo(TrialState.RUNNING);
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("trial " + trialId + " sent no " + count + " reports within " + timeout);
    }
}
