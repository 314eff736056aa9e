package io.tunelab.worker;

import io.tunelab.api.Objective;
import io.tunelab.api.TrialState;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.runner.Runners;
import io.tunelab.worker.tribuo.TribuoBundle;
import io.tunelab.worker.train.ModelBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's generic part with each built-in runner, against an in-memory coordinator. */
class RunnerWorkerTest {
    static final Map<String, Object> BREAST_CANCER = Map.of(
            "dataset", Map.of("name", "breast_cancer", "validation", Map.of("folds", 3)),
            "preprocessing", Map.of("scaling", "standard"));

    final FakeCoordinator server = new FakeCoordinator();
    Worker worker;

    @BeforeEach
    void startWithTheBuiltInRunners() {
        worker = new Worker(WorkerTest.ONE_SLOT, server, Runners.load(List.of()));
        worker.start();
    }

    @AfterEach
    void stopTheWorker() {
        worker.stop();
    }

    @Test
    void theWorkerAsksOnlyForTheRunnersItHas() throws Exception {
        for (int i = 0; i < 100 && server.requests.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(server.requests.getFirst().runners()).containsExactly("dl4j", "tribuo");
    }

    @Test
    void aRandomForestRunsEveryFoldWithTheSameMetricsAndUploadsAModelThatPredicts() throws Exception {
        var task = with(BREAST_CANCER, "runner", "tribuo");
        server.leases.add(FakeCoordinator.lease(1, task, Map.of("model.family", "random_forest", "model.trees", 10,
                "model.max_depth", 4), Objective.maximize("roc_auc"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).as(result.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(result.repetitions()).hasSize(3).allSatisfy(r -> assertThat(r.values())
                .containsKeys("accuracy", "f1_macro", "log_loss", "roc_auc", "epochs", "wall_time_s"));
        assertThat(result.values().get("roc_auc")).isGreaterThan(0.9);
        assertThat(result.provenance()).containsEntry("runner", "tribuo").containsKeys("seeds", "preprocessing", "tribuo_version",
                "dataset_sha256", "timing").containsEntry("model_repetition", 0);
        assertThat(server.reports).hasSize(1).first().satisfies(r -> assertThat(r.values()).containsKey("roc_auc"));
        var model = server.models.get(1L);
        assertThat(TribuoBundle.isOne(model)).isTrue();
        RawTable table = new io.tunelab.worker.data.DatasetSource.Bundled("breast_cancer").read();
        var prediction = TribuoBundle.read(model).predict(table);
        assertThat(prediction.size()).isEqualTo(table.rows().size());
        assertThat(prediction.probabilities()[0]).hasSize(2);
    }

    @Test
    void eachTribuoFamilyLearnsClassificationAndRegression() throws Exception {
        var iris = Map.<String, Object>of("runner", "tribuo", "dataset", Map.of("name", "iris", "validation", Map.of("holdout", 0.3)));
        var diabetes = Map.<String, Object>of("runner", "tribuo", "dataset", Map.of("name", "diabetes", "validation",
                Map.of("holdout", 0.3)), "preprocessing", Map.of("scaling", "standard"));
        server.leases.add(FakeCoordinator.lease(1, iris, Map.of("model.family", "cart", "model.max_depth", 4),
                Objective.maximize("accuracy"), 2));
        server.leases.add(FakeCoordinator.lease(2, iris, Map.of("model.family", "linear", "training.epochs", 30),
                Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(3, diabetes, Map.of("model.family", "random_forest", "model.trees", 20),
                Objective.minimize("rmse"), 1));
        server.leases.add(FakeCoordinator.lease(4, diabetes, Map.of("model.family", "linear", "model.l2", 0.001,
                "training.learning_rate", 0.05), Objective.minimize("rmse"), 1));

        server.leases.add(FakeCoordinator.lease(5, iris, Map.of("model.family", "extra_trees", "model.trees", 20),
                Objective.maximize("accuracy"), 1));

        for (long id = 1; id <= 5; id++) {
            var result = server.awaitResult(id);
            assertThat(result.state()).as("trial %d: %s", id, result.error()).isEqualTo(TrialState.COMPLETE);
        }
        assertThat(server.results.get(1L).repetitions()).hasSize(2);
        assertThat(server.results.get(1L).values().get("accuracy")).isGreaterThan(0.85);
        assertThat(server.results.get(2L).values().get("accuracy")).isGreaterThan(0.8);
        assertThat(server.results.get(5L).values().get("accuracy")).isGreaterThan(0.85);
        // The targets spread about 77 around their mean; a model that learned nothing scores about that.
        assertThat(server.results.get(3L).values().get("rmse")).isLessThan(65);
        assertThat(server.results.get(4L).values().get("rmse")).isLessThan(65);
        var regression = TribuoBundle.read(server.models.get(4L)).predict(new io.tunelab.worker.data.DatasetSource.Bundled("diabetes").read());
        assertThat(regression.values()[0]).isBetween(25.0, 346.0);
    }

    @Test
    void aSearchedRunnerParamChoosesTheRunnerOfEachTrial() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, BREAST_CANCER, Map.of("runner", "tribuo", "model.family", "cart"),
                Objective.maximize("roc_auc"), 1));
        server.leases.add(FakeCoordinator.lease(2, BREAST_CANCER, Map.of("runner", "dl4j", "model.units", 8, "training.epochs", 3),
                Objective.maximize("roc_auc"), 1));

        var tribuo = server.awaitResult(1);
        var dl4j = server.awaitResult(2);

        assertThat(tribuo.state()).as(tribuo.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(tribuo.provenance()).containsEntry("runner", "tribuo");
        assertThat(dl4j.state()).as(dl4j.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(dl4j.provenance()).containsEntry("runner", "dl4j");
        assertThat(ModelBundle.read(server.models.get(2L)).meta().task()).containsKey("params");
    }

    @Test
    void aRunnerTheWorkerLacksFailsTheTrialNamingTheFieldAndTheRunnersItHas() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, with(BREAST_CANCER, "runner", "xgboost"), Map.of(),
                Objective.maximize("roc_auc"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).isEqualTo(TrialState.FAILED);
        assertThat(result.error()).contains("task.runner", "\"xgboost\"", "dl4j, tribuo", "--runner-jar");
    }

    @Test
    void aWorkerWithOneRunnerRefusesTheOthersTasks() throws Exception {
        worker.stop();
        worker = new Worker(WorkerTest.ONE_SLOT, server, Runners.of(new io.tunelab.worker.train.Dl4jRunner()));
        worker.start();
        server.leases.add(FakeCoordinator.lease(1, with(BREAST_CANCER, "runner", "tribuo"), Map.of(), Objective.maximize("roc_auc"), 1));

        var result = server.awaitResult(1);

        assertThat(server.requests.getLast().runners()).containsExactly("dl4j");
        assertThat(result.error()).contains("task.runner: this worker has no runner \"tribuo\"; it has dl4j");
    }

    @Test
    void badTribuoOptionsFailTheTrialNamingTheField() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, with(BREAST_CANCER, "runner", "tribuo"), Map.of("model.family", "cart",
                "model.trees", 10), Objective.maximize("roc_auc"), 1));

        assertThat(server.awaitResult(1).error()).contains("model.trees applies to random_forest and extra_trees only");
    }

    @Test
    void theTribuoWinnerIsRefitAndScoredOnTheTestSplit() throws Exception {
        var task = Map.<String, Object>of("runner", "tribuo", "dataset", Map.of("name", "breast_cancer", "test", 0.25,
                "validation", Map.of("folds", 3)));
        var search = FakeCoordinator.lease(1, task, Map.of("model.family", "cart"), Objective.maximize("roc_auc"), 1);
        server.leases.add(search);
        assertThat(server.awaitResult(1).provenance()).containsEntry("test_rows", 142);
        server.models.remove(1L);
        var finalization = new io.tunelab.api.Finalization(1, 1, TrialState.RUNNING, null, null, null, "test:1", null, 0, null,
                null);
        server.leases.add(new io.tunelab.api.Lease("final-1", search.expiresAt(), 3, search.trial(), 1, "test",
                search.objectives(), 1, 42, task, finalization, null));

        var test = server.awaitTest(1);

        assertThat(test.error()).isNull();
        assertThat(test.values()).containsKey("roc_auc");
        assertThat(TribuoBundle.isOne(server.models.get(1L))).isTrue();
    }

    private static Map<String, Object> with(Map<String, Object> task, String key, Object value) {
        var copy = new java.util.LinkedHashMap<>(task);
        copy.put(key, value);
        return copy;
    }
}
