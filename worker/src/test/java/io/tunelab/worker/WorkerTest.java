package io.tunelab.worker;

import io.tunelab.api.Finalization;
import io.tunelab.api.Lease;
import io.tunelab.api.Objective;
import io.tunelab.api.TrialState;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.train.ModelBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTest {
    static final Map<String, Object> IRIS = Map.of(
            "dataset", Map.of("name", "iris", "validation", Map.of("holdout", 0.3)),
            "model", Map.of("layers", 1, "units", 8),
            "training", Map.of("learning_rate", 0.05, "epochs", 8, "batch_size", 16));

    /** One slot, no lease wait, the bundled datasets only. */
    static final WorkerConfig ONE_SLOT = new WorkerConfig("fake", "test:1", 1, Duration.ZERO, Duration.ofSeconds(5),
            Duration.ofSeconds(1));

    FakeCoordinator server;
    Worker worker;

    @BeforeEach
    void start() {
        server = new FakeCoordinator();
        worker = new Worker(ONE_SLOT, server);
        worker.start();
    }

    @AfterEach
    void stop() {
        worker.stop();
    }

    /** Restarts the worker so that it reads CSV files under a data root. */
    void restartWithDataRoot(Path root) {
        worker.stop();
        worker = new Worker(new WorkerConfig("fake", "test:1", 1, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1),
                DataSandbox.of(List.of(root), 1 << 20), 1 << 20), server);
        worker.start();
    }

    @Test
    void aTrialCompletesWithItsRepetitionsProvenanceAndAModelThatPredicts() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, IRIS, Map.of("model.units", 12), Objective.maximize("accuracy"), 2));

        var result = server.awaitResult(1);

        assertThat(result.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(result.leaseId()).isEqualTo("lease-1");
        assertThat(result.repetitions()).hasSize(2);
        double mean = result.repetitions().stream().mapToDouble(r -> r.values().get("accuracy")).average().orElseThrow();
        assertThat(result.values().get("accuracy")).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(result.provenance()).containsKeys("host", "worker", "dl4j_version", "java_version", "seeds", "timing")
                .containsEntry("dataset_sha256", "3568d026b5ef940575d4b7154946e1bba65af047be661385e7664918ea5967e1");
        assertThat(server.reports).isNotEmpty().allSatisfy(r -> assertThat(r.values()).containsKeys("accuracy", "train_loss"));
        assertThat(server.dataReports.get("1")).containsEntry("usable", true).containsEntry("rows", 150);

        var bundle = ModelBundle.read(server.models.get(1L));
        var prediction = bundle.predict(new DatasetSource.Bundled("iris").read());
        assertThat(prediction.size()).isEqualTo(150);
        assertThat(bundle.meta().encoding().classes()).containsExactly("0", "1", "2");
    }

    static final Map<String, Object> IRIS_WITH_TEST = Map.of(
            "dataset", Map.of("name", "iris", "test", 0.2, "validation", Map.of("folds", 3)),
            "model", Map.of("layers", 1, "units", 8),
            "training", Map.of("learning_rate", 0.05, "epochs", 6, "batch_size", 16));

    @Test
    void theSearchNeverSeesTheTestRowsAndTheFinalizationRefitsAndScoresOnThem() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, IRIS_WITH_TEST, Map.of(), Objective.maximize("accuracy"), 1));
        var result = server.awaitResult(1);
        assertThat(result.state()).as(result.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(result.provenance()).containsEntry("test_rows", 30);
        assertThat(result.repetitions()).hasSize(3).allSatisfy(r -> assertThat(r.values().get("best_epoch")).isBetween(1.0, 6.0));

        Lease search = FakeCoordinator.lease(1, IRIS_WITH_TEST, Map.of(), Objective.maximize("accuracy"), 1);
        var finalization = new Finalization(1, 1, TrialState.RUNNING, null, 3, null, "test:1", null, 0, null, null);
        server.leases.add(new Lease("final-1", search.expiresAt(), 3, search.trial(), 1, "test", search.objectives(), 1, 42,
                IRIS_WITH_TEST, finalization, null));
        var test = server.awaitTest(1);
        assertThat(test.error()).isNull();
        assertThat(test.leaseId()).isEqualTo("final-1");
        assertThat(test.values()).containsKeys("accuracy", "f1_macro").containsEntry("epochs", 3.0);
        // No report goes out for the finalized trial: its search is over.
        assertThat(server.reports).allSatisfy(r -> assertThat(r.leaseId()).isEqualTo("lease-1"));
        var bundle = ModelBundle.read(server.models.get(1L));
        assertThat(bundle.predict(new DatasetSource.Bundled("iris").read()).size()).isEqualTo(150);
    }

    @Test
    void aTokenTheServerKeepsRefusingStopsTheWorkerAndOneRefusedBrieflyDoesNot() throws Exception {
        worker.stop();
        var refusing = new FakeCoordinator();
        refusing.refusedLeases.set(Integer.MAX_VALUE);
        var stopping = new Worker(ONE_SLOT, refusing, io.tunelab.worker.runner.Runners.load(List.of()), Duration.ofSeconds(2));
        stopping.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stopping.refusal().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(stopping.refusal()).hasValueSatisfying(why -> assertThat(why).contains("needs worker"));
            stopping.join();
        } finally {
            stopping.stop();
        }

        var mended = new FakeCoordinator();
        mended.refusedLeases.set(2);
        var patient = new Worker(ONE_SLOT, mended, io.tunelab.worker.runner.Runners.load(List.of()), Duration.ofSeconds(30));
        patient.start();
        try {
            mended.leases.add(FakeCoordinator.lease(1, IRIS, Map.of("model.units", 12), Objective.maximize("accuracy"), 1));
            assertThat(mended.awaitResult(1).state()).isEqualTo(TrialState.COMPLETE);
            assertThat(patient.refusal()).isEmpty();
        } finally {
            patient.stop();
        }
    }

    @Test
    void aModelUploadThatFindsTheServerRestartingIsSentAgainAndTheTrialCompletes() throws Exception {
        server.unreachableUploads.set(2);
        server.leases.add(FakeCoordinator.lease(1, IRIS, Map.of("model.units", 12), Objective.maximize("accuracy"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).as(result.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(server.unreachableUploads.get()).isZero();
        assertThat(server.models.get(1L)).isNotEmpty();
    }

    @Test
    void aResultWhoseReplyWasLostIsToldAgainUnderItsFirstRequestIdAndAnsweredNotRefused() throws Exception {
        server.lostReplies.set(1);
        server.leases.add(FakeCoordinator.lease(1, IRIS, Map.of("preprocessing.scaling", "zscore"), Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(2, IRIS, Map.of("preprocessing.scaling", "zscore"), Objective.maximize("accuracy"), 1));

        server.awaitResult(2);

        assertThat(server.resultCalls.get(1L)).as("told again after the lost reply").isEqualTo(2);
        assertThat(server.refusedResults.get()).as("the second tell is the first one's retry").isZero();
    }

    @Test
    void badInputFailsTheTrialWithAClearErrorAndTheWorkerKeepsServing() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, IRIS, Map.of("preprocessing.scaling", "zscore"), Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(2, Map.of("dataset", Map.of("name", "mnist")), Map.of(), Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(3, IRIS, Map.of("preprocessing.dimensionality", "pca", "preprocessing.components", 9),
                Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(4, IRIS, Map.of(), Objective.maximize("accuracy"), 1));

        assertThat(server.awaitResult(1).error()).contains("preprocessing.scaling", "zscore", "standard, minmax, robust");
        assertThat(server.awaitResult(2).error()).contains("unknown dataset \"mnist\"", "digits");
        assertThat(server.awaitResult(3).error()).contains("components (9) exceeds the number of input features (4)");
        assertThat(server.results.get(1L).state()).isEqualTo(TrialState.FAILED);
        assertThat(server.awaitResult(4).state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void unusableDataSendsAReportThatSaysSoAndFailsTheTrial(@TempDir Path dir) throws Exception {
        restartWithDataRoot(dir);
        Path csv = dir.resolve("cities.csv");
        Files.writeString(csv, "x,target\n1,paris\n2,rome\n3,oslo\n");
        var task = Map.<String, Object>of("dataset", Map.of("path", csv.toString(), "type", "regression"));
        server.leases.add(FakeCoordinator.lease(1, task, Map.of(), Objective.minimize("rmse"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).isEqualTo(TrialState.FAILED);
        assertThat(result.error()).contains("regression needs a numeric target");
        assertThat(server.dataReports.get("1")).containsEntry("usable", false);
    }

    @Test
    void aFileThatIsNotCsvAsTheWorkerReadsItSendsAnUnusableReportSoTheExperimentStops(@TempDir Path dir) throws Exception {
        restartWithDataRoot(dir);
        Files.writeString(dir.resolve("ragged.csv"), "x,y,target\n1,2,a\n3,b\n");
        var task = Map.<String, Object>of("dataset", Map.of("path", "ragged.csv"));
        server.leases.add(FakeCoordinator.lease(1, task, Map.of(), Objective.maximize("accuracy"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).isEqualTo(TrialState.FAILED);
        assertThat(result.error()).contains("ragged.csv: record 3 has 2 fields but the header has 3");
        assertThat(server.dataReports.get("1")).containsEntry("usable", false)
                .containsEntry("problems", List.of("dataset: ragged.csv: record 3 has 2 fields but the header has 3"));
    }

    @Test
    void aTrialStillRunningWhenTheGracePeriodEndsIsReleasedToOtherWorkers() throws Exception {
        worker.stop();
        worker = new Worker(new WorkerConfig("fake", "test:1", 1, Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(1)), server);
        worker.start();
        var long_ = Map.<String, Object>of("dataset", Map.of("name", "digits", "validation", Map.of("holdout", 0.3)),
                "training", Map.of("epochs", 10_000));
        server.leases.add(FakeCoordinator.lease(7, long_, Map.of(), Objective.maximize("accuracy"), 1));
        while (server.reports.isEmpty()) {
            Thread.sleep(20);
        }
        worker.stop();
        assertThat(server.released).containsExactly(7L);
        assertThat(server.results).doesNotContainKey(7L);
    }

    @Test
    void aMissingCsvFailsTheTrialNamingThePath(@TempDir Path dir) throws Exception {
        restartWithDataRoot(dir);
        var task = Map.<String, Object>of("dataset", Map.of("path", "data.csv"));
        server.leases.add(FakeCoordinator.lease(1, task, Map.of(), Objective.maximize("accuracy"), 1));

        assertThat(server.awaitResult(1).error()).contains("dataset.path \"data.csv\": no such file under");
        assertThat(server.dataReports).isEmpty();
    }

    @Test
    void aRefusedFileFailsTheTrialStopsTheExperimentAndTheWorkerServesOn(@TempDir Path dir) throws Exception {
        restartWithDataRoot(dir);
        var passwd = Map.<String, Object>of("dataset", Map.of("path", "/etc/passwd", "target", "root:x:0:0:root:/root:/bin/bash"));
        server.leases.add(FakeCoordinator.lease(1, passwd, Map.of(), Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(2, IRIS, Map.of(), Objective.maximize("accuracy"), 1));

        var refused = server.awaitResult(1);

        assertThat(refused.state()).isEqualTo(TrialState.FAILED);
        assertThat(refused.error()).startsWith("dataset.path \"/etc/passwd\" is outside the data roots of this worker ("
                + dir.toRealPath() + ")").contains("--data-root DIR").doesNotContain("/bin/bash", "daemon");
        assertThat(server.dataReports.get("1")).containsEntry("usable", false).containsEntry("dataset", "/etc/passwd")
                .containsEntry("problems", List.of(refused.error())).doesNotContainKeys("class_balance", "columns");
        assertThat(server.awaitResult(2).state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void aLostLeaseAbandonsTheTrialWithoutAResultAndTheWorkerGoesOn() throws Exception {
        server.lost.add(1L);
        var endless = Map.<String, Object>of(
                "dataset", Map.of("name", "digits", "validation", Map.of("holdout", 0.2)),
                "training", Map.of("epochs", 10_000, "patience", 0));
        server.leases.add(FakeCoordinator.lease(1, endless, Map.of(), Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(2, IRIS, Map.of(), Objective.maximize("accuracy"), 1));

        assertThat(server.awaitResult(2).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(server.heartbeats).contains(1L);
        assertThat(server.results).doesNotContainKey(1L);
    }

    /** A worker of one slot against a new server whose first lease requests fail as {@code failing} sets, with one trial to lease. */
    private void restartAgainst(java.util.function.Consumer<FakeCoordinator> failing) {
        worker.stop();
        server = new FakeCoordinator();
        failing.accept(server);
        server.leases.add(FakeCoordinator.lease(1, IRIS, Map.of(), Objective.maximize("accuracy"), 1));
        worker = new Worker(new WorkerConfig("fake", "test:1", 1, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1)),
                server);
        worker.start();
    }

    @Test
    void whileTheServerIsUnreachableTheWorkerRetriesAndThenServes() throws Exception {
        restartAgainst(s -> s.outages.set(3));

        assertThat(server.awaitResult(1).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(server.leaseCalls.get()).isGreaterThan(3);
        // Unanswered, a lease is sent again under its id (the server may have stored it); answered, the next is a new request.
        List<String> ids = List.copyOf(server.leaseRequestIds);
        assertThat(ids.subList(0, 4)).doesNotContainNull().containsOnly(ids.getFirst());
        assertThat(ids.get(4)).isNotEqualTo(ids.getFirst());
        assertThat(Set.copyOf(ids.subList(4, ids.size()))).hasSize(ids.size() - 4);
    }

    @Test
    void aRefusedLeaseIsAnsweredSoTheNextIsANewRequest() throws Exception {
        restartAgainst(s -> s.refusedLeases.set(2));

        assertThat(server.awaitResult(1).state()).isEqualTo(TrialState.COMPLETE);
        List<String> ids = List.copyOf(server.leaseRequestIds);
        assertThat(Set.copyOf(ids)).hasSize(ids.size());
    }

    @Test
    void aPruneAnswerEndsTheTrialPrunedWithItsLastValues() throws Exception {
        server.decision = io.tunelab.api.Decision.PRUNE;
        var long_ = Map.<String, Object>of("dataset", Map.of("name", "iris"), "training", Map.of("epochs", 500, "patience", 0));
        server.leases.add(FakeCoordinator.lease(1, long_, Map.of(), Objective.maximize("accuracy"), 1));

        var result = server.awaitResult(1);

        assertThat(result.state()).isEqualTo(TrialState.PRUNED);
        assertThat(result.values()).containsOnlyKeys("accuracy");
        assertThat(server.reports.size()).isLessThan(10);
        assertThat(server.models).isEmpty();
    }
}
