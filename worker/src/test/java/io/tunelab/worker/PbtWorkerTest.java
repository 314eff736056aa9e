package io.tunelab.worker;

import io.tunelab.api.Objective;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TrialState;
import io.tunelab.worker.runner.Lineage;
import io.tunelab.worker.train.Checkpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Population-based training members on the worker: checkpoints, continuation, lineage. */
class PbtWorkerTest {
    FakeCoordinator server;
    Worker worker;

    @BeforeEach
    void start() {
        server = new FakeCoordinator();
        worker = new Worker(WorkerTest.ONE_SLOT, server);
        worker.start();
    }

    @AfterEach
    void stop() {
        worker.stop();
    }

    static Map<String, Object> member(Long parent, int generation, int startEpoch, Map<String, Object> hyper) {
        var params = new LinkedHashMap<String, Object>(hyper);
        if (parent != null) {
            params.put("pbt.parent", parent);
        }
        params.put("pbt.generation", generation);
        params.put("pbt.member", 0);
        params.put("pbt.start_epoch", startEpoch);
        params.put("pbt.epochs", 3);
        return params;
    }

    @Test
    void aChildContinuesFromItsParentsCheckpointWithItsOwnLearningRateAndRecordsItsSchedule() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, WorkerTest.IRIS, member(null, 0, 0, Map.of("training.learning_rate", 0.05)),
                Objective.maximize("accuracy"), 1));
        var parent = server.awaitResult(1);
        assertThat(parent.state()).as(parent.error()).isEqualTo(TrialState.COMPLETE);
        assertThat(parent.repetitions().getFirst().values()).containsEntry("epochs", 3.0);
        byte[] parentCheckpoint = server.artifacts.get(1L).get(Lineage.CHECKPOINT);
        assertThat(parentCheckpoint).isNotEmpty();

        // A learning rate so small that the child's weights can only stay where the parent's were.
        server.leases.add(FakeCoordinator.lease(2, WorkerTest.IRIS, member(1L, 1, 3, Map.of("training.learning_rate", 1e-7)),
                Objective.maximize("accuracy"), 1));
        var child = server.awaitResult(2);
        assertThat(child.state()).as(child.error()).isEqualTo(TrialState.COMPLETE);

        var before = Checkpoint.read(parentCheckpoint).weights();
        var after = Checkpoint.read(server.artifacts.get(2L).get(Lineage.CHECKPOINT));
        assertThat(Transforms.abs(after.weights().sub(before)).maxNumber().doubleValue()).isLessThan(1e-3);
        // The updater goes on counting: 3 epochs of the parent's steps, then 3 of the child's.
        int parentSteps = Checkpoint.read(parentCheckpoint).iterations();
        assertThat(parentSteps).isPositive();
        assertThat(after.iterations()).isEqualTo(2 * parentSteps);
        assertThat(after.schedule()).extracting(s -> (Object) ((Map<?, ?>) s.get("params")).get("training.learning_rate"))
                .containsExactly(0.05, 1e-7);

        assertThat(server.reports.stream().filter(r -> r.leaseId().equals("lease-2")).map(ReportRequest::step).toList())
                .containsExactly(4, 5, 6);
        @SuppressWarnings("unchecked")
        var lineage = (Map<String, Object>) child.provenance().get("pbt");
        assertThat(lineage).containsEntry("parent", 1L).containsEntry("generation", 1).containsEntry("start_epoch", 3)
                .containsEntry("epochs_run", 3);
        assertThat((List<?>) lineage.get("schedule")).hasSize(2);
    }

    @Test
    void aChildThatChangesTheNetworksShapeOrHasNoParentCheckpointFailsSayingWhy() throws Exception {
        server.leases.add(FakeCoordinator.lease(1, WorkerTest.IRIS, member(null, 0, 0, Map.of()), Objective.maximize("accuracy"), 1));
        assertThat(server.awaitResult(1).state()).isEqualTo(TrialState.COMPLETE);
        server.leases.add(FakeCoordinator.lease(2, WorkerTest.IRIS, member(1L, 1, 3, Map.of("model.units", 16)),
                Objective.maximize("accuracy"), 1));
        server.leases.add(FakeCoordinator.lease(3, WorkerTest.IRIS, member(9L, 1, 3, Map.of()), Objective.maximize("accuracy"), 1));

        var reshaped = server.awaitResult(2);
        assertThat(reshaped.state()).isEqualTo(TrialState.FAILED);
        assertThat(reshaped.error()).contains("not the model's shape");
        var orphan = server.awaitResult(3);
        assertThat(orphan.state()).isEqualTo(TrialState.FAILED);
        assertThat(orphan.error()).contains("pbt.parent 9 has no checkpoint.zip", "complete member");
        assertThat(server.artifacts).doesNotContainKeys(2L, 3L);
    }

    @Test
    void aMembersFinalizationRefitsForTheEpochsOfItsWholeLineage() throws Exception {
        var params = member(7L, 2, 6, Map.of());
        var search = FakeCoordinator.lease(1, WorkerTest.IRIS_WITH_TEST, params, Objective.maximize("accuracy"), 1);
        var finalization = new io.tunelab.api.Finalization(1, 1, TrialState.RUNNING, null, 3, null, "test:1", null, 0, null, null);
        server.leases.add(new io.tunelab.api.Lease("final-1", search.expiresAt(), 3, search.trial(), 1, "test", search.objectives(),
                1, 42, WorkerTest.IRIS_WITH_TEST, finalization, null));
        var test = server.awaitTest(1);
        assertThat(test.error()).isNull();
        assertThat(test.values()).containsEntry("epochs", 9.0);
    }
}
