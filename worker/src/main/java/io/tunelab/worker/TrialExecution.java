package io.tunelab.worker;

import io.tunelab.api.Decision;
import io.tunelab.api.Direction;
import io.tunelab.api.Lease;
import io.tunelab.api.Objective;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.Repetition;
import io.tunelab.api.TestResult;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DataCache;
import io.tunelab.worker.data.DataRefusedException;
import io.tunelab.worker.data.DataReport;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.PreparedData;
import io.tunelab.worker.data.Splits;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One leased trial from task to result: parse the task with the trial's params, prepare the
 * data (and send its quality report once per experiment), train the repetitions while
 * reporting each epoch, then upload the model and tell the result with its provenance.
 *
 * <p>Reports go out in order on their own thread, so training never waits for the server;
 * a PRUNE answer stops training at the next minibatch, within the epoch that follows it.
 * Bad input (an unknown option, a missing file, an impossible PCA) fails only this trial,
 * with the message in the result; unusable data, and a file the worker's data sandbox
 * refuses, also send a report with {@code usable: false}, which stops the experiment. A lost lease abandons the trial
 * silently: another worker owns it now.
 *
 * <p>A trial of the search never sees the task's test rows. A lease with a finalization is the
 * winner after the search: its configuration is refit on every row outside the test split,
 * scored once on the test split, and the refit model replaces the trial's model.
 */
final class TrialExecution implements TaskRun.Listener {
    private static final Logger log = LoggerFactory.getLogger(TrialExecution.class);
    private static final Duration RESULT_RETRY = Duration.ofMinutes(2);

    private final Lease lease;
    private final double leaseSeconds;
    private final Coordinator coordinator;
    private final DataCache data;
    private final Set<Long> reportedExperiments;
    private final WorkerConfig config;
    private final BooleanSupplier abandon;
    private final String label;
    private final long started = System.nanoTime();
    private final ExecutorService reports = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("reports").factory());
    private volatile boolean leaseLost;
    private volatile boolean pruned;

    /**
     * @param leaseSeconds how long the lease request that brought this trial took (part of
     *                     the worker's overhead when work was waiting)
     */
    TrialExecution(Lease lease, double leaseSeconds, Coordinator coordinator, DataCache data, Set<Long> reportedExperiments,
                   WorkerConfig config, BooleanSupplier abandon) {
        this.lease = lease;
        this.leaseSeconds = leaseSeconds;
        this.coordinator = coordinator;
        this.data = data;
        this.reportedExperiments = reportedExperiments;
        this.config = config;
        this.abandon = abandon;
        this.label = "trial " + lease.trial().id() + " (" + lease.experimentName() + " #" + lease.trial().number() + ")";
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

    /** Runs the trial to its end and tells the server how it ended; never throws. */
    void run() {
        var provenance = new LinkedHashMap<String, Object>(Software.describe());
        provenance.put("worker", config.name());
        provenance.put("runner", TaskSpec.RUNNER);
        provenance.put("experiment_seed", lease.seed());
        if (lease.finalization() != null) {
            finalizeWinner();
            return;
        }
        TrialResult result;
        try {
            result = train(provenance);
        } catch (UnusableDataException | DataRefusedException | TunelabException.BadRequest e) {
            result = new TrialResult(TrialState.FAILED, null, null, e.getMessage(), leaseId(), provenance);
        } catch (RuntimeException e) {
            log.error("{} failed unexpectedly", label, e);
            result = new TrialResult(TrialState.FAILED, null, null, "the worker failed: " + e, leaseId(), provenance);
        } finally {
            reports.shutdownNow();
        }
        if (result == null) {
            log.info("{} abandoned: {}", label, leaseLost ? "the lease was lost" : "the worker is stopping");
            return;
        }
        try {
            TrialResult told = result;
            deliver(() -> coordinator.result(trialId(), told));
            log.info("{} {} {}{} in {} s", label, result.state(), result.values(),
                    result.error() == null ? "" : ": " + result.error(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
        } catch (TunelabException e) {
            log.warn("{}: the server refused the result: {}", label, e.getMessage());
        }
    }

    /** Trains the trial; the result to tell, or null when the trial was abandoned. */
    private TrialResult train(Map<String, Object> provenance) {
        TaskSpec spec = TaskSpec.parse(lease.task(), lease.trial().params());
        long dataStarted = System.nanoTime();
        PreparedData prepared;
        try {
            prepared = data.prepare(spec.dataset());
        } catch (DataRefusedException e) {
            sendDataReport(DataReport.refused(spec.dataset().source().describe(), e.getMessage()));
            throw e;
        }
        sendDataReport(prepared.report());
        Dataset dataset = prepared.require();
        double dataSeconds = (System.nanoTime() - dataStarted) / 1e9;
        provenance.put("dataset", dataset.source());
        provenance.put("dataset_sha256", dataset.sha256());
        provenance.put("dataset_rows", dataset.rows());
        if (spec.dataset().test() != null) {
            // The search sees only the rows outside the test split.
            dataset = dataset.subset(Splits.test(dataset, spec.dataset().test(), lease.seed()).train());
            provenance.put("test_rows", (Integer) provenance.get("dataset_rows") - dataset.rows());
        }
        checkObjectives(dataset);
        // A raced trial's lease names the one repetition to run.
        TaskRun.Outcome outcome = taskRun(spec, dataset).run(lease.repetitions(), lease.seed(), lease.trial().repetition(), this);
        provenance.put("seeds", outcome.seeds());
        provenance.put("preprocessing", outcome.preprocessing());
        long waitStarted = System.nanoTime();
        awaitReports();
        double reportWait = (System.nanoTime() - waitStarted) / 1e9;
        switch (outcome.status()) {
            case CANCELLED -> {
                return null;
            }
            case PRUNED -> {
                provenance.put("timing", timing(outcome.trainingSeconds(), dataSeconds, reportWait, 0));
                return new TrialResult(TrialState.PRUNED, objectivesOf(outcome.lastReport()), null, null, leaseId(), provenance);
            }
            default -> {
                long uploadStarted = System.nanoTime();
                provenance.put("model_repetition", outcome.repetitions().getFirst().index());
                coordinator.uploadModel(trialId(), leaseId(), outcome.model().write());
                double uploadSeconds = (System.nanoTime() - uploadStarted) / 1e9;
                provenance.put("timing", timing(outcome.trainingSeconds(), dataSeconds, reportWait, uploadSeconds));
                return new TrialResult(TrialState.COMPLETE, objectivesOf(means(outcome.repetitions())),
                        outcome.repetitions(), null, leaseId(), provenance);
            }
        }
    }

    /** The run of the trial's configuration on a dataset, watching the task's metric (default: the first objective). */
    private TaskRun taskRun(TaskSpec spec, Dataset dataset) {
        String metric = spec.metric() != null ? spec.metric() : lease.objectives().getFirst().metric();
        Direction direction = lease.objectives().stream().filter(o -> o.metric().equals(metric))
                .map(Objective::direction).findFirst().orElse(Metrics.direction(metric));
        var saved = new LinkedHashMap<String, Object>(lease.task());
        saved.put("params", lease.trial().params());
        return new TaskRun(spec, saved, dataset, metric, direction);
    }

    /**
     * The finalization: refits the winner on the rows outside the test split for the lease's
     * epochs (the task's when it names none), uploads the refit model and tells the test score.
     */
    private void finalizeWinner() {
        TestResult result;
        try {
            TaskSpec spec = TaskSpec.parse(lease.task(), lease.trial().params());
            if (spec.dataset().test() == null) {
                throw TunelabException.invalidSpec("the task has no dataset.test split to score the refit winner on");
            }
            Dataset dataset = data.prepare(spec.dataset()).require();
            int epochs = lease.finalization().epochs() != null ? lease.finalization().epochs() : spec.training().epochs();
            TaskRun.Outcome outcome = taskRun(spec, dataset).refit(Splits.test(dataset, spec.dataset().test(), lease.seed()),
                    epochs, TaskRun.repetitionSeed(lease.seed(), 0), this);
            if (outcome.status() == TaskRun.Status.CANCELLED) {
                log.info("{}: finalization abandoned: {}", label, leaseLost ? "the lease was lost" : "the worker is stopping");
                return;
            }
            coordinator.uploadModel(trialId(), leaseId(), outcome.model().write());
            result = new TestResult(outcome.repetitions().getFirst().values(), null, leaseId());
        } catch (UnusableDataException | DataRefusedException | TunelabException.BadRequest e) {
            result = new TestResult(null, e.getMessage(), leaseId());
        } catch (RuntimeException e) {
            log.error("{}: finalization failed unexpectedly", label, e);
            result = new TestResult(null, "the worker failed: " + e, leaseId());
        } finally {
            reports.shutdownNow();
        }
        try {
            TestResult told = result;
            deliver(() -> coordinator.test(trialId(), told));
            log.info("{}: finalized, test {}{} in {} s", label, result.values(), result.error() == null ? "" : ": " + result.error(),
                    String.format("%.1f", (System.nanoTime() - started) / 1e9));
        } catch (TunelabException e) {
            log.warn("{}: the server refused the test result: {}", label, e.getMessage());
        }
    }

    /** The values of the objectives: the server accepts no other metric in a result's values. */
    private Map<String, Double> objectivesOf(Map<String, Double> values) {
        var out = new LinkedHashMap<String, Double>();
        for (Objective o : lease.objectives()) {
            if (values.containsKey(o.metric())) {
                out.put(o.metric(), values.get(o.metric()));
            }
        }
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

    private Map<String, Object> timing(double trainingSeconds, double dataSeconds, double reportWait, double uploadSeconds) {
        double total = (System.nanoTime() - started) / 1e9;
        var t = new LinkedHashMap<String, Object>();
        t.put("lease_s", leaseSeconds);
        t.put("trial_s", total);
        t.put("training_s", trainingSeconds);
        t.put("data_s", dataSeconds);
        t.put("report_wait_s", reportWait);
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

    /** Lets the queued reports reach the server before the result does. */
    private void awaitReports() {
        reports.shutdown();
        try {
            if (!reports.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("{}: reports still pending after 30 s; telling the result anyway", label);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells a result, retrying while the server is unreachable. */
    private void deliver(Runnable tell) {
        var backoff = new Backoff(config.maxBackoff());
        long deadline = System.nanoTime() + RESULT_RETRY.toNanos();
        while (true) {
            try {
                tell.run();
                return;
            } catch (TunelabException.ServerFailure e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("{}: could not tell the result ({}); retrying", label, e.getMessage());
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void epoch(int epoch, Map<String, Double> values) {
        reports.execute(() -> {
            if (pruned || leaseLost) {
                return;
            }
            try {
                if (coordinator.report(trialId(), new ReportRequest(epoch, values, leaseId())) == Decision.PRUNE) {
                    pruned = true;
                }
            } catch (TunelabException.LeaseLost | TunelabException.TrialFinished e) {
                leaseLost = true;
            } catch (TunelabException e) {
                // A report that cannot be delivered must not cost the training: go on, and say so.
                log.warn("{}: report at epoch {} not delivered: {}", label, epoch, e.getMessage());
            }
        });
    }

    @Override
    public TaskRun.Signal signal() {
        if (leaseLost || abandon.getAsBoolean()) {
            return TaskRun.Signal.ABANDON;
        }
        return pruned ? TaskRun.Signal.PRUNE : TaskRun.Signal.GO;
    }
}
