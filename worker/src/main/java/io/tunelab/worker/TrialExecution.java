package io.tunelab.worker;

import io.tunelab.api.Decision;
import io.tunelab.api.Direction;
import io.tunelab.api.Lease;
import io.tunelab.api.Objective;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.Repetition;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DataCache;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.PreparedData;
import io.tunelab.worker.data.UnusableDataException;
import io.tunelab.worker.train.Metrics;
import io.tunelab.worker.train.TaskRun;
import io.tunelab.worker.train.TaskSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * One leased trial from task to result: parse the task with the trial's params, prepare the
 * data (and send its quality report once per experiment), train the repetitions while
 * reporting each epoch, then upload the model and tell the result with its provenance.
 *
 * <p>Bad input (an unknown option, a missing file, an impossible PCA) fails only this trial,
 * with the message in the result; unusable data also sends a report with {@code usable:
 * false}, which stops the experiment. A lost lease abandons the trial silently: another
 * worker owns it now.
 */
final class TrialExecution implements TaskRun.Listener {
    private static final Logger log = LoggerFactory.getLogger(TrialExecution.class);
    private static final Duration RESULT_RETRY = Duration.ofMinutes(2);

    private final Lease lease;
    private final Coordinator coordinator;
    private final DataCache data;
    private final Set<Long> reportedExperiments;
    private final WorkerConfig config;
    private final BooleanSupplier abandon;
    private final long started = System.nanoTime();
    private volatile boolean leaseLost;
    private long reportNanos;

    TrialExecution(Lease lease, Coordinator coordinator, DataCache data, Set<Long> reportedExperiments,
                   WorkerConfig config, BooleanSupplier abandon) {
        this.lease = lease;
        this.coordinator = coordinator;
        this.data = data;
        this.reportedExperiments = reportedExperiments;
        this.config = config;
        this.abandon = abandon;
    }

    static Set<Long> newReportedSet() {
        return ConcurrentHashMap.newKeySet();
    }

    long trialId() {
        return lease.trial().id();
    }

    String leaseId() {
        return lease.leaseId();
    }

    int leaseSeconds() {
        return lease.leaseSeconds();
    }

    /** Called by the heartbeat thread when the server says the lease is gone. */
    void leaseLost() {
        leaseLost = true;
    }

    /** Runs the trial to its end; never throws. */
    void run() {
        String label = "trial " + trialId() + " (" + lease.experimentName() + " #" + lease.trial().number() + ")";
        var provenance = new LinkedHashMap<String, Object>(Software.describe());
        provenance.put("worker", config.name());
        provenance.put("runner", TaskSpec.RUNNER);
        provenance.put("experiment_seed", lease.seed());
        try {
            TaskSpec spec = TaskSpec.parse(lease.task(), lease.trial().params());
            long dataStarted = System.nanoTime();
            PreparedData prepared = data.prepare(spec.dataset());
            sendDataReport(prepared.report());
            Dataset dataset = prepared.require();
            double dataSeconds = (System.nanoTime() - dataStarted) / 1e9;
            provenance.put("dataset", dataset.source());
            provenance.put("dataset_sha256", dataset.sha256());
            provenance.put("dataset_rows", dataset.rows());

            String metric = spec.metric() != null ? spec.metric() : lease.objectives().getFirst().metric();
            checkObjectives(dataset);
            Direction direction = lease.objectives().stream().filter(o -> o.metric().equals(metric))
                    .map(Objective::direction).findFirst().orElse(Metrics.direction(metric));
            var taskMap = new LinkedHashMap<String, Object>(lease.task());
            var run = new TaskRun(spec, withParams(taskMap), dataset, metric, direction);
            TaskRun.Outcome outcome = run.run(lease.repetitions(), lease.seed(), this);
            provenance.put("seeds", outcome.seeds());
            if (outcome.status() == TaskRun.Status.CANCELLED) {
                log.info("{} abandoned: {}", label, leaseLost ? "the lease was lost" : "the worker is stopping");
                return;
            }
            if (outcome.status() == TaskRun.Status.PRUNED) {
                provenance.put("timing", timing(outcome.trainingSeconds(), dataSeconds, 0));
                deliver(new TrialResult(TrialState.PRUNED, outcome.lastReport(), null, null, leaseId(), provenance));
                log.info("{} PRUNED at {}", label, outcome.lastReport());
                return;
            }
            long uploadStarted = System.nanoTime();
            provenance.put("model_repetition", 0);
            byte[] model = outcome.model().write();
            coordinator.uploadModel(trialId(), leaseId(), model);
            double uploadSeconds = (System.nanoTime() - uploadStarted) / 1e9;
            provenance.put("timing", timing(outcome.trainingSeconds(), dataSeconds, uploadSeconds));
            var values = means(outcome.repetitions());
            deliver(new TrialResult(TrialState.COMPLETE, values, outcome.repetitions(), null, leaseId(), provenance));
            log.info("{} COMPLETE {}={} over {} repetitions in {} s", label, metric, String.format("%.4f", values.get(metric)),
                    outcome.repetitions().size(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
        } catch (TunelabException.LeaseLost | TunelabException.TrialFinished e) {
            log.info("{} abandoned: {}", label, e.getMessage());
        } catch (UnusableDataException e) {
            fail(label, e.getMessage(), provenance);
        } catch (TunelabException.BadRequest e) {
            fail(label, e.getMessage(), provenance);
        } catch (RuntimeException e) {
            log.error("{} failed unexpectedly", label, e);
            fail(label, "the worker failed: " + e, provenance);
        }
    }

    private Map<String, Object> withParams(Map<String, Object> task) {
        var params = lease.trial().params();
        var out = new LinkedHashMap<>(task);
        out.put("params", params);
        return out;
    }

    /** Every objective must be a value this worker reports, else no trial could ever be ranked. */
    private void checkObjectives(Dataset dataset) {
        var available = new ArrayList<>(dataset.isClassification() ? Metrics.CLASSIFICATION : Metrics.REGRESSION);
        if (dataset.isClassification() && dataset.classes() != 2) {
            available.remove("roc_auc");
        }
        available.add(Metrics.EPOCHS);
        available.add(Metrics.WALL_TIME);
        for (Objective o : lease.objectives()) {
            if (!available.contains(o.metric())) {
                throw TunelabException.invalidSpec("objective metric \"" + o.metric() + "\" is not reported for this "
                        + dataset.encoding().type().wire() + " task; reported: " + String.join(", ", available));
            }
        }
    }

    private void sendDataReport(Map<String, Object> report) {
        if (!reportedExperiments.add(lease.experimentId())) {
            return;
        }
        try {
            coordinator.putDataReport(String.valueOf(lease.experimentId()), report);
        } catch (TunelabException e) {
            reportedExperiments.remove(lease.experimentId());
            log.warn("could not store the data report of experiment {}: {}", lease.experimentName(), e.getMessage());
        }
    }

    private Map<String, Object> timing(double trainingSeconds, double dataSeconds, double uploadSeconds) {
        double total = (System.nanoTime() - started) / 1e9;
        var t = new LinkedHashMap<String, Object>();
        t.put("trial_s", total);
        t.put("training_s", trainingSeconds);
        t.put("data_s", dataSeconds);
        t.put("reports_s", reportNanos / 1e9);
        t.put("upload_s", uploadSeconds);
        t.put("overhead_s", Math.max(0, total - trainingSeconds));
        return t;
    }

    static Map<String, Double> means(List<Repetition> repetitions) {
        var sums = new LinkedHashMap<String, Double>();
        for (Repetition r : repetitions) {
            r.values().forEach((k, v) -> sums.merge(k, v, Double::sum));
        }
        sums.replaceAll((k, v) -> v / repetitions.size());
        return sums;
    }

    private void fail(String label, String error, Map<String, Object> provenance) {
        log.warn("{} FAILED: {}", label, error);
        try {
            deliver(new TrialResult(TrialState.FAILED, null, null, error, leaseId(), provenance));
        } catch (TunelabException e) {
            log.warn("{}: could not tell the failure: {}", label, e.getMessage());
        }
    }

    /** Tells the result, retrying while the server is unreachable; a lost lease means someone else owns it. */
    private void deliver(TrialResult result) {
        var backoff = new Backoff(config.maxBackoff());
        long deadline = System.nanoTime() + RESULT_RETRY.toNanos();
        while (true) {
            try {
                coordinator.result(trialId(), result);
                return;
            } catch (TunelabException.ServerFailure e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("trial {}: could not tell the result ({}); retrying", trialId(), e.getMessage());
                sleep(backoff.next());
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Decision epoch(int epoch, Map<String, Double> values) {
        long t = System.nanoTime();
        try {
            return coordinator.report(trialId(), new ReportRequest(epoch, values, leaseId()));
        } catch (TunelabException.LeaseLost | TunelabException.TrialFinished e) {
            leaseLost = true;
            return Decision.CONTINUE;
        } catch (TunelabException e) {
            // A report that cannot be delivered must not cost the training: go on, and say so.
            log.warn("trial {}: report at epoch {} not delivered: {}", trialId(), epoch, e.getMessage());
            return Decision.CONTINUE;
        } finally {
            reportNanos += System.nanoTime() - t;
        }
    }

    @Override
    public boolean cancelled() {
        return leaseLost || abandon.getAsBoolean();
    }
}
