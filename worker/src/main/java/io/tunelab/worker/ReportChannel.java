package io.tunelab.worker;

import io.tunelab.api.Decision;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The reports of one leased trial: sent in order on their own thread, so a runner never waits
 * for the server; remembers a PRUNE answer and a lost lease. Thread-safe.
 */
final class ReportChannel {
    private static final Logger log = LoggerFactory.getLogger(ReportChannel.class);

    private final Coordinator coordinator;
    private final long trialId;
    private final String leaseId;
    private final String label;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("reports").factory());
    private volatile boolean leaseLost;
    private volatile boolean pruned;

    ReportChannel(Coordinator coordinator, long trialId, String leaseId, String label) {
        this.coordinator = coordinator;
        this.trialId = trialId;
        this.leaseId = leaseId;
        this.label = label;
    }

    /** Queues a report; after a PRUNE answer or a lost lease, reports are dropped. */
    void send(int step, Map<String, Double> values) {
        sender.execute(() -> {
            if (pruned || leaseLost) {
                return;
            }
            try {
                if (coordinator.report(trialId, new ReportRequest(step, values, leaseId)) == Decision.PRUNE) {
                    pruned = true;
                }
            } catch (TunelabException.LeaseLost | TunelabException.TrialFinished e) {
                leaseLost = true;
            } catch (TunelabException e) {
                // A report that cannot be delivered must not cost the training: go on, and say so.
                log.warn("{}: report at step {} not delivered: {}", label, step, e.getMessage());
            }
        });
    }

    boolean pruned() {
        return pruned;
    }

    boolean leaseLost() {
        return leaseLost;
    }

    /** Called when the server says the lease is gone. */
    void loseLease() {
        leaseLost = true;
    }

    /** Lets the queued reports reach the server (before the result does). */
    void await() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("{}: reports still pending after 30 s; telling the result anyway", label);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops what is still queued. */
    void close() {
        sender.shutdownNow();
    }
}
