package io.tunelab.server.experiment;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An experiment whose workers fail every trial the same way from the start (a fixed field of its
 * task that is wrong) is stopped with that error as its reason after its first three trials, on
 * real H2 files, and stays stopped after a restart; differing errors, a trial that finished, or
 * an experiment without a task never stop it.
 */
class FailingStartTest extends CoordinatorOnH2Files {
    private static final String SCALING = "preprocessing.scaling: \"zscore\" is not an option; options: none, standard, minmax, robust";

    private ExperimentService service() {
        return coordinator.experiments();
    }

    private Optional<Lease> lease() {
        return coordinator.leases().lease(new LeaseRequest("w:1", List.of("dl4j"), 0));
    }

    private void create(String name, boolean task) {
        var spec = ExperimentSpec.builder(name).maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1)).trials(60);
        service().create((task ? spec.task(Map.of("dataset", Map.of("name", "iris"))) : spec).build());
    }

    /**
     * The next leased trial, told FAILED with {@code error} (COMPLETE when null) as a worker's tell
     * reaches the server over HTTP: answered on its commit.
     */
    private void runNext(String error) {
        Lease lease = lease().orElseThrow();
        // What follows the commit runs on another thread than the storage's writer, as the server's blocking executor is.
        service().tellLater(lease.trial().id(), result(error, lease), "w", (String) null, ForkJoinPool.commonPool()).join();
    }

    private static TrialResult result(String error, Lease lease) {
        return error == null ? new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, lease.leaseId(), null)
                : new TrialResult(TrialState.FAILED, null, null, error, lease.leaseId(), null);
    }

    private Experiment experiment(String name) {
        return coordinator.queries().experiment(name);
    }

    @Test
    void aTaskWhoseFirstTrialsAllFailWithOneErrorIsStoppedWithThatErrorAsItsReason() {
        create("typo", true);
        runNext(SCALING);
        runNext(SCALING);
        assertThat(experiment("typo").state()).as("two failures prove nothing yet").isEqualTo(ExperimentState.RUNNING);
        runNext(SCALING);

        assertThat(experiment("typo").state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(experiment("typo").summary().stopReason()).isEqualTo("its first 3 trials all failed with the same error, so "
                + "every trial would: " + SCALING + "; fix what it names (in a new experiment when it is a field of the task), "
                + "then resume");
        assertThat(lease()).as("no trial is handed out").isEmpty();
        assertThat(experiment("typo").summary().trials()).containsEntry(TrialState.FAILED, 3);

        // Stopped durably; resumed without a fix, the next failure stops it again.
        close();
        open();
        assertThat(experiment("typo").state()).isEqualTo(ExperimentState.STOPPED);
        service().resume("typo", null);
        Lease lease = lease().orElseThrow();
        service().tell(lease.trial().id(), result(SCALING, lease));
        assertThat(experiment("typo").state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(experiment("typo").summary().stopReason()).startsWith("its first 4 trials all failed with the same error");
    }

    @Test
    void differentErrorsAFinishedTrialOrNoTaskNeverStopIt() {
        create("varied", true);
        runNext("model.units (300) exceeds the memory of this worker");
        runNext("model.units (280) exceeds the memory of this worker");
        runNext("model.units (290) exceeds the memory of this worker");
        runNext("model.units (310) exceeds the memory of this worker");
        assertThat(experiment("varied").state()).isEqualTo(ExperimentState.RUNNING);

        create("once-fine", true);
        service().pause("varied");
        runNext(null);
        runNext(SCALING);
        runNext(SCALING);
        runNext(SCALING);
        assertThat(experiment("once-fine").state()).isEqualTo(ExperimentState.RUNNING);

        create("sdk", false);
        for (int i = 0; i < 4; i++) {
            service().tell(service().ask("sdk").id(), new TrialResult(TrialState.FAILED, null, null, SCALING, null, null));
        }
        assertThat(experiment("sdk").state()).isEqualTo(ExperimentState.RUNNING);
    }
}
