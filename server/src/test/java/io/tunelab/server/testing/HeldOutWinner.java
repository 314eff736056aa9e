package io.tunelab.server.testing;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;

import java.util.List;
import java.util.Map;

/**
 * An experiment of one trial whose task holds out a test split, run as a worker runs it over the
 * API: its trial leased, its model uploaded under the lease, its result told, so the experiment
 * completes and its finalization waits for a worker; then the finalization leased as a worker
 * leases it. For the tests of the refit model.
 */
public final class HeldOutWinner {
    private HeldOutWinner() {
    }

    /** One trial maximizing accuracy, with a task whose dataset holds out 20% as the test split. */
    public static ExperimentSpec spec(String name) {
        return ExperimentSpec.builder(name).maximize("accuracy").param("x", FloatParam.of(0, 1)).trials(1)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build();
    }

    /** The next lease a worker running dl4j and tribuo tasks gets, without waiting. */
    public static Lease lease(TunelabClient worker) {
        return worker.lease(new LeaseRequest("box:1", List.of("dl4j", "tribuo"), 0)).orElseThrow();
    }

    /** Leases the next trial, uploads {@code model} as its own and tells it COMPLETE; answers the trial's lease. */
    public static Lease runWithModel(TunelabClient worker, byte[] model) {
        Lease lease = lease(worker);
        worker.uploadModel(lease.trial().id(), lease.leaseId(), model);
        worker.result(lease.trial().id(), new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, lease.leaseId(), null));
        return lease;
    }
}
