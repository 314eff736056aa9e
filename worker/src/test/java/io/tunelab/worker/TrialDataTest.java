package io.tunelab.worker;

import io.tunelab.api.IntParam;
import io.tunelab.api.Lease;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.worker.data.DataCache;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.TaskType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The data report a worker sends once per experiment: its warnings hold for every trial the experiment's space may give. */
class TrialDataTest {
    private static final DatasetSpec TWO_FOLDS = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION,
            new DatasetSpec.Folds(2));

    /** The lease of a trial given 2 folds, of an experiment whose space is {@code space}. */
    private static Lease lease(long experimentId, SearchSpace space) {
        Lease l = FakeCoordinator.lease(experimentId, Map.of(), Map.of("dataset.validation.folds", 2), Objective.maximize("accuracy"), 1);
        return new Lease(l.leaseId(), l.expiresAt(), l.leaseSeconds(), l.trial(), experimentId, l.experimentName(), l.objectives(),
                l.repetitions(), l.seed(), l.task(), null, space);
    }

    @SuppressWarnings("unchecked")
    private static List<String> foldWarnings(Map<String, Object> report) {
        return ((List<String>) report.get("warnings")).stream().filter(w -> w.contains("dataset.validation.folds")).toList();
    }

    @Test
    void theFirstTrialsReportWarnsOfTheMostFoldsTheSpaceSearchesNotOfItsOwn() {
        var coordinator = new FakeCoordinator();
        var data = new TrialData(new DataCache(DataSandbox.bundledOnly(), 2, 1L << 30), coordinator);
        // Iris has 50 rows a class: enough for this trial's 2 folds, not for the 60 another trial may be given.
        data.prepare(lease(1, SearchSpace.builder().add("dataset.validation.folds", IntParam.of(2, 60)).build()), TWO_FOLDS);
        data.prepare(lease(2, null), TWO_FOLDS);

        assertThat(foldWarnings(coordinator.dataReports.get("1"))).singleElement().satisfies(w -> assertThat(w)
                .startsWith("classes \"0\" (50 rows), \"1\" (50 rows), \"2\" (50 rows) have fewer rows than "
                        + "dataset.validation.folds (up to 60 searched)")
                .endsWith("search dataset.validation.folds up to 50 (the rows of the least populated class), or add rows of those classes"));
        assertThat(foldWarnings(coordinator.dataReports.get("2"))).as("a space not known: the trial's own folds").isEmpty();
    }
}
