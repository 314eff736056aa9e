package io.tunelab.worker;

import io.tunelab.api.Lease;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DataCache;
import io.tunelab.worker.data.DataRefusedException;
import io.tunelab.worker.data.DataReport;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.PreparedData;
import io.tunelab.worker.data.UnusableDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data of a worker's trials, for every runner: datasets prepared through the data sandbox
 * and cache, and each experiment's data-quality report sent once (a refused file sends a report
 * that says so). Thread-safe; one per worker.
 */
final class TrialData {
    private static final Logger log = LoggerFactory.getLogger(TrialData.class);

    private final DataCache cache;
    private final Coordinator coordinator;
    private final Set<Long> reportedExperiments = ConcurrentHashMap.newKeySet();

    TrialData(DataCache cache, Coordinator coordinator) {
        this.cache = cache;
        this.coordinator = coordinator;
    }

    /** The usable dataset of a trial's task; unusable data and refused files throw after their report is sent. */
    Dataset prepare(Lease lease, DatasetSpec spec) {
        PreparedData prepared;
        try {
            prepared = cache.prepare(spec, lease.space());
        } catch (DataRefusedException e) {
            sendReport(lease, DataReport.refused(spec.source().describe(), e.getMessage()));
            throw e;
        } catch (UnusableDataException e) {
            // A file that is not CSV as the worker reads it: every trial would fail the same way.
            sendReport(lease, e.report());
            throw e;
        }
        sendReport(lease, prepared.report());
        return prepared.require();
    }

    /** The dataset of a finalization, whose report was sent during the search. */
    Dataset prepareQuietly(DatasetSpec spec) {
        return cache.prepare(spec).require();
    }

    private void sendReport(Lease lease, Map<String, Object> report) {
        if (!reportedExperiments.add(lease.experimentId())) {
            return;
        }
        try {
            coordinator.putDataReport(String.valueOf(lease.experimentId()), lease.leaseId(), report);
        } catch (TunelabException e) {
            reportedExperiments.remove(lease.experimentId());
            log.warn("could not store the data report of experiment {}: {}", lease.experimentName(), e.getMessage());
        }
    }
}
