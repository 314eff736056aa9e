package io.tunelab.worker;

import io.tunelab.api.Decision;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TestResult;
import io.tunelab.api.TrialResult;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;

import java.util.Map;
import java.util.Optional;

/**
 * The server as a worker sees it: the lease protocol and the uploads. Errors arrive as
 * {@link io.tunelab.api.TunelabException} subclasses ({@code LeaseLost} when another worker
 * owns the trial now, {@code ServerFailure} when the server cannot be reached).
 * Implementations must be thread-safe: every slot and the heartbeat thread share one.
 */
interface Coordinator {
    /**
     * Leases a trial under {@code requestId}: sent again under the same id (the reply was lost), it
     * is answered with the lease the first attempt got.
     */
    Optional<Lease> lease(LeaseRequest request, String requestId);

    Heartbeat heartbeat(long trialId, String leaseId);

    Decision report(long trialId, ReportRequest request);

    /**
     * Tells the trial's result under {@code requestId}: told again under the same id (the reply
     * was lost), it is answered as the first tell, not refused as telling a finished trial.
     */
    void result(long trialId, TrialResult result, String requestId);

    void uploadModel(long trialId, String leaseId, byte[] model);

    /** Uploads an artifact of a leased trial. */
    void uploadArtifact(long trialId, String leaseId, String name, byte[] content);

    /** The content of a trial's artifact. */
    byte[] artifact(long trialId, String name);

    /** Tells the test score of a finalization (the refit winner on the test split). */
    void test(long trialId, TestResult result);

    /** Gives a leased trial back so another worker takes it at once, not after the lease expires. */
    void release(long trialId, String leaseId);

    /** Stores the data-quality report of a trial's experiment, under the trial's lease. */
    void putDataReport(String experimentRef, String leaseId, Map<String, Object> report);

    /** The coordinator behind a server URL, through the SDK. */
    static Coordinator of(TunelabClient client) {
        return new Coordinator() {
            @Override
            public Optional<Lease> lease(LeaseRequest request, String requestId) {
                return client.lease(request, requestId);
            }

            @Override
            public Heartbeat heartbeat(long trialId, String leaseId) {
                return client.heartbeat(trialId, leaseId);
            }

            @Override
            public Decision report(long trialId, ReportRequest request) {
                return client.report(trialId, request);
            }

            @Override
            public void result(long trialId, TrialResult result, String requestId) {
                client.result(trialId, result, requestId);
            }

            @Override
            public void uploadModel(long trialId, String leaseId, byte[] model) {
                client.uploadModel(trialId, leaseId, model);
            }

            @Override
            public void uploadArtifact(long trialId, String leaseId, String name, byte[] content) {
                Artifacts.of(client).upload(trialId, leaseId, name, content);
            }

            @Override
            public byte[] artifact(long trialId, String name) {
                return Artifacts.of(client).download(trialId, name);
            }

            @Override
            public void test(long trialId, TestResult result) {
                client.test(trialId, result);
            }

            @Override
            public void release(long trialId, String leaseId) {
                client.release(trialId, leaseId);
            }

            @Override
            public void putDataReport(String experimentRef, String leaseId, Map<String, Object> report) {
                client.putDataReport(experimentRef, leaseId, report);
            }
        };
    }
}
