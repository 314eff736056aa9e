package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.IntParam;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One server and one worker process: a small sweep on iris with repetitions ends with their
 * statistics, provenance, data report and a downloadable model that {@code predict} applies
 * to a CSV; bad input fails its trials with a clear error while the worker keeps serving; and
 * unusable data stops its experiment with the reason.
 */
@Tag("slow")
class WorkerEndToEndTest {
    static final Map<String, Object> IRIS = Map.of(
            "dataset", Map.of("name", "iris", "validation", Map.of("holdout", 0.3)),
            "model", Map.of("layers", 1),
            "training", Map.of("epochs", 15, "learning_rate", 0.03, "batch_size", 16));

    @TempDir
    Path dir;

    @Test
    void aSweepEndsWithStatisticsProvenanceADataReportAndAModelThatPredicts() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(ExperimentSpec.builder("iris-e2e").maximize("accuracy")
                    .param("model.units", IntParam.of(4, 24))
                    .param("preprocessing.scaling", CategoricalParam.of("standard", "minmax"))
                    .strategy(new StrategySpec("random", 1L, Map.of()))
                    .budget(new Budget(4, 2, null)).repetitions(3).task(IRIS).build());

            assertThat(experiment.awaitCompletion(Duration.ofMinutes(3)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);

            List<Trial> trials = experiment.trials();
            assertThat(trials).hasSize(4).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
            for (Trial t : trials) {
                assertThat(t.repetitions()).hasSize(3);
                double[] accuracies = t.repetitions().stream().mapToDouble(r -> r.values().get("accuracy")).toArray();
                double mean = java.util.Arrays.stream(accuracies).average().orElseThrow();
                Statistics s = t.statistics().get("accuracy");
                assertThat(s.n()).isEqualTo(3);
                assertThat(s.mean()).isCloseTo(mean, within(1e-9));
                assertThat(t.value("accuracy")).isCloseTo(mean, within(1e-9));
                assertThat(s.ciLow()).isLessThanOrEqualTo(mean);
                assertThat(s.ciHigh()).isGreaterThanOrEqualTo(mean);
                assertThat(t.repetitions()).extracting(Repetition::seed).doesNotHaveDuplicates();
                assertThat(t.repetitions().getFirst().values()).containsKeys("f1_macro", "log_loss", "epochs", "wall_time_s");
                assertThat(client.trial(t.id()).reports()).as("reports of trial %d", t.id()).isNotEmpty();
                assertThat(t.provenance()).containsKeys("host", "dl4j_version", "java_version", "tunelab_version", "seeds")
                        .containsEntry("dataset_sha256", "3568d026b5ef940575d4b7154946e1bba65af047be661385e7664918ea5967e1");
            }

            Map<String, Object> report = client.dataReport("iris-e2e").orElseThrow();
            assertThat(report).containsEntry("usable", true).containsEntry("rows", 150).containsKey("class_balance");

            Trial best = experiment.leaderboard(1).getFirst();
            Path model = dir.resolve("best.model");
            Files.write(model, client.downloadModel(best.id()));
            Path csv = dir.resolve("rows.csv");
            Files.writeString(csv, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
            List<String> predictions = predict(model, csv);
            assertThat(predictions.getFirst()).isEqualTo("prediction,p_0,p_1,p_2");
            assertThat(predictions).hasSize(3);
            assertThat(predictions.get(1)).startsWith("0,");
            assertThat(predictions.get(2)).startsWith("2,");
        }
    }

    @Test
    void aSweepWithATestSplitEndsWithItsWinnerRefitScoredOnTheTestRowsAndItsRefitModel() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(ExperimentSpec.builder("iris-final").maximize("accuracy")
                    .param("model.units", IntParam.of(4, 24)).strategy(new StrategySpec("random", 1L, Map.of()))
                    .budget(new Budget(2, 2, null))
                    .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2, "validation", Map.of("folds", 3)),
                            "model", Map.of("layers", 1), "training", Map.of("epochs", 10, "learning_rate", 0.03)))
                    .build());
            assertThat(experiment.awaitCompletion(Duration.ofMinutes(3)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);
            Trial winner = experiment.leaderboard(1).getFirst();
            assertThat(winner.provenance()).containsEntry("test_rows", 30);
            assertThat(winner.repetitions()).hasSize(3).allSatisfy(r -> assertThat(r.values()).containsKey("best_epoch"));

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            io.tunelab.api.Finalization finalization = null;
            while (System.nanoTime() < deadline) {
                try {
                    finalization = client.finalization("iris-final");
                } catch (io.tunelab.api.TunelabException.NotFound e) {
                    // Completion and the finalization it asks for are two writes.
                }
                if (finalization != null && finalization.state().isFinished()) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(finalization).isNotNull();
            assertThat(finalization.state()).as("worker log:\n%s", Files.readString(dir.resolve("worker.log")))
                    .isEqualTo(TrialState.COMPLETE);
            assertThat(finalization.trialId()).isEqualTo(winner.id());
            assertThat(finalization.test().get("accuracy")).isBetween(0.0, 1.0);
            assertThat(finalization.selection().n()).isEqualTo(3);
            assertThat(client.trial(winner.id()).finalization()).isEqualTo(finalization);

            Path model = dir.resolve("refit.model");
            Files.write(model, client.downloadModel(winner.id()));
            Path csv = dir.resolve("flowers.csv");
            Files.writeString(csv, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
            assertThat(predict(model, csv)).hasSize(2);
        }
    }

    @Test
    void badInputFailsItsTrialsClearlyAndUnusableDataStopsItsExperimentWhileTheWorkerServesOn() throws Exception {
        Path cities = dir.resolve("cities.csv");
        Files.writeString(cities, "x,target\n1,paris\n2,rome\n3,oslo\n");
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 1, dir.resolve("worker.log"), "--data-root", dir.toString())) {
            var unknown = client.launch(ExperimentSpec.builder("no-such-data").maximize("accuracy")
                    .param("model.units", IntParam.of(4, 8)).budget(new Budget(1, 1, null))
                    .task(Map.of("dataset", Map.of("name", "mnist"))).build());
            var badOption = client.launch(ExperimentSpec.builder("bad-option").maximize("accuracy")
                    .param("preprocessing.scaling", CategoricalParam.of("zscore")).budget(new Budget(1, 1, null))
                    .task(IRIS).build());
            var unusable = client.launch(ExperimentSpec.builder("text-target").minimize("rmse")
                    .param("model.units", IntParam.of(4, 8)).budget(new Budget(3, 1, null))
                    .task(Map.of("dataset", Map.of("path", cities.toString(), "type", "regression"))).build());
            var good = client.launch(ExperimentSpec.builder("still-serving").maximize("accuracy")
                    .param("model.units", IntParam.of(4, 8)).budget(new Budget(1, 1, null)).task(IRIS).build());

            assertThat(unknown.awaitCompletion(Duration.ofMinutes(2)).state()).isIn(ExperimentState.COMPLETED, ExperimentState.STOPPED);
            assertThat(unknown.trials().getFirst().state()).isEqualTo(TrialState.FAILED);
            assertThat(unknown.trials().getFirst().error()).contains("unknown dataset \"mnist\"");

            badOption.awaitCompletion(Duration.ofMinutes(2));
            assertThat(badOption.trials().getFirst().error()).contains("preprocessing.scaling", "zscore", "standard, minmax, robust");

            assertThat(unusable.awaitCompletion(Duration.ofMinutes(2)).state()).isEqualTo(ExperimentState.STOPPED);
            assertThat(client.dataReport("text-target").orElseThrow()).containsEntry("usable", false);
            assertThat(unusable.trials()).hasSize(1);
            // The worker's data report stops the experiment; its tell of the failed trial may land just after.
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (unusable.trials().getFirst().error() == null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(unusable.trials().getFirst().error()).contains("regression needs a numeric target");

            assertThat(good.awaitCompletion(Duration.ofMinutes(2)).state()).isEqualTo(ExperimentState.COMPLETED);
            assertThat(good.trials().getFirst().state()).isEqualTo(TrialState.COMPLETE);
        }
    }

    private List<String> predict(Path model, Path csv) throws Exception {
        Process p = TunelabProcesses.startWorkerCommand(List.of("predict", "--model", model.toString(), "--csv", csv.toString(),
                "--output", dir.resolve("predictions.csv").toString()), dir.resolve("predict.log"));
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("predict.log"))).isZero();
        return Files.readAllLines(dir.resolve("predictions.csv"));
    }
}
