package io.tunelab.worker;

import io.tunelab.api.Direction;
import io.tunelab.api.Lease;
import io.tunelab.api.Objective;
import io.tunelab.api.Repetition;
import io.tunelab.api.RequestId;
import io.tunelab.api.TestResult;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DataRefusedException;
import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.Splits;
import io.tunelab.worker.data.UnusableDataException;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.runner.Lineage;
import io.tunelab.worker.runner.RepetitionPlan;
import io.tunelab.worker.runner.RunContext;
import io.tunelab.worker.runner.RunOutcome;
import io.tunelab.worker.runner.Runner;
import io.tunelab.worker.runner.RunnerTask;
import io.tunelab.worker.runner.Runners;
import io.tunelab.worker.runner.Signal;
import io.tunelab.worker.runner.TaskParams;
import io.tunelab.worker.train.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * One leased trial from task to result, the same for every {@link Runner}: find the runner the
 * trial's task names and let it check the task with the trial's params, prepare the data (and
 * send its quality report once per experiment), choose the repetitions to run, let the runner
 * run them while it reports (it uploads its model through this context), then tell the result
 * with its provenance. The execution is the runner's {@link RunContext}.
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
final class TrialExecution implements RunContext {
    private static final Logger log = LoggerFactory.getLogger(TrialExecution.class);
    private static final Duration RESULT_RETRY = Duration.ofMinutes(2);

    private final Lease lease;
    private final double leaseSeconds;
    private final Coordinator coordinator;
    private final TrialData data;
    private final WorkerConfig config;
    private final Runners runners;
    private final BooleanSupplier abandon;
    private final String label;
    private final long started = System.nanoTime();
    private final ReportChannel reports;
    private final Map<String, Object> provenance = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Set before the runner runs: what this context hands it. */
    private Dataset dataset;
    private String metric;
    private Direction direction;
    private List<RepetitionPlan> plans;
    private volatile boolean uploaded;
    private double uploadSeconds;

    /**
     * @param leaseSeconds how long the lease request that brought this trial took (part of
     *                     the worker's overhead when work was waiting)
     */
    TrialExecution(Lease lease, double leaseSeconds, Coordinator coordinator, TrialData data,
                   WorkerConfig config, Runners runners, BooleanSupplier abandon) {
        this.lease = lease;
        this.leaseSeconds = leaseSeconds;
        this.coordinator = coordinator;
        this.data = data;
        this.config = config;
        this.runners = runners;
        this.abandon = abandon;
        this.label = "trial " + lease.trial().id() + " (" + lease.experimentName() + " #" + lease.trial().number() + ")";
        this.reports = new ReportChannel(coordinator, lease.trial().id(), lease.leaseId(), label);
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
        reports.loseLease();
    }

    /** Runs the trial to its end and tells the server how it ended; never throws. */
    void run() {
        provenance.putAll(Software.describe());
        provenance.put("worker", config.name());
        provenance.put("runner", TaskParams.runnerOf(lease.task(), lease.trial().params()));
        provenance.put("experiment_seed", lease.seed());
        if (lease.finalization() != null) {
            finalizeWinner();
            return;
        }
        TrialResult result;
        try {
            result = train();
        } catch (UnusableDataException | DataRefusedException | TunelabException.BadRequest e) {
            result = new TrialResult(TrialState.FAILED, null, null, e.getMessage(), leaseId(), provenanceSoFar());
        } catch (RuntimeException e) {
            log.error("{} failed unexpectedly", label, e);
            // The server's own words for its refusals; a class name only for what the worker itself ran into.
            String why = e instanceof TunelabException te ? te.getMessage() : e.toString();
            result = new TrialResult(TrialState.FAILED, null, null, "the worker failed: " + why, leaseId(), provenanceSoFar());
        } finally {
            reports.close();
        }
        if (result == null) {
            log.info("{} abandoned: {}", label, reports.leaseLost() ? "the lease was lost" : "the worker is stopping");
            return;
        }
        try {
            TrialResult told = result;
            // One id for every attempt: a tell committed whose reply was lost is answered, not refused, when sent again.
            String requestId = RequestId.random();
            deliver(() -> coordinator.result(trialId(), told, requestId));
            log.info("{} {} {}{} in {} s", label, result.state(), result.values(),
                    result.error() == null ? "" : ": " + result.error(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
        } catch (TunelabException e) {
            log.warn("{}: the server refused the result: {}", label, e.getMessage());
        }
    }

    /** Which repetitions this lease runs: the one a raced trial's lease names, else all of the trial's (the k folds, else the experiment's repetitions). */
    private List<Integer> repetitionsToRun(DatasetSpec spec) {
        // A raced trial's lease names the one repetition (fold or seed index) to run.
        Integer only = lease.trial().repetition();
        if (only != null) {
            return List.of(only);
        }
        int count = RepetitionPlan.count(spec == null ? null : spec.validation(), lease.repetitions());
        return IntStream.range(0, count).boxed().toList();
    }

    /** The runner the trial's task names, checking the task; INVALID_SPEC when this worker lacks it. */
    private RunnerTask validate() {
        String name = TaskParams.runnerOf(lease.task(), lease.trial().params());
        Runner runner = runners.get(name);
        if (runner == null) {
            throw TunelabException.invalidSpec("task.runner: this worker has no runner \"" + name + "\"; it has "
                    + String.join(", ", runners.names()) + " (a worker loads more with --runner-jar FILE)");
        }
        return runner.validate(lease.task(), lease.trial().params());
    }

    /** Trains the trial; the result to tell, or null when the trial was abandoned. */
    private TrialResult train() {
        RunnerTask task = validate();
        long dataStarted = System.nanoTime();
        if (task.dataset() != null) {
            dataset = prepare(task.dataset());
            if (task.dataset().test() != null) {
                // The search sees only the rows outside the test split.
                dataset = Splits.search(dataset, task.dataset().test(), lease.seed());
                provenance.put("test_rows", (Integer) provenance.get("dataset_rows") - dataset.rows());
            }
            checkObjectives(task, dataset);
        }
        double dataSeconds = (System.nanoTime() - dataStarted) / 1e9;
        watch(task);
        plans = RepetitionPlan.of(dataset, task.dataset() == null ? null : task.dataset().validation(),
                repetitionsToRun(task.dataset()), lease.seed());
        RunOutcome outcome = task.run(this);
        long waitStarted = System.nanoTime();
        reports.await();
        double reportWait = (System.nanoTime() - waitStarted) / 1e9;
        provenance.put("timing", timing(outcome.trainingSeconds(), dataSeconds, reportWait, uploadSeconds));
        return switch (outcome.status()) {
            case CANCELLED -> null;
            case PRUNED -> new TrialResult(TrialState.PRUNED, objectivesOf(outcome.lastReport()), null, null, leaseId(),
                    provenanceSoFar());
            case COMPLETE -> {
                if (uploaded) {
                    provenance.put("model_repetition", plans.getFirst().index());
                }
                yield new TrialResult(TrialState.COMPLETE, objectivesOf(means(outcome.repetitions())),
                        outcome.repetitions(), null, leaseId(), provenanceSoFar());
            }
        };
    }

    /** The provenance so far, copied. */
    private Map<String, Object> provenanceSoFar() {
        synchronized (provenance) {
            return new LinkedHashMap<>(provenance);
        }
    }

    /** The prepared dataset of a task, its provenance noted. */
    private Dataset prepare(DatasetSpec spec) {
        Dataset ready = data.prepare(lease, spec);
        provenance.put("dataset", ready.source());
        provenance.put("dataset_sha256", ready.sha256());
        provenance.put("dataset_rows", ready.rows());
        return ready;
    }

    /** The metric the run reports and watches (default: the first objective), and its direction. */
    private void watch(RunnerTask task) {
        metric = task.metric() != null ? task.metric() : lease.objectives().getFirst().metric();
        direction = lease.objectives().stream().filter(o -> o.metric().equals(metric))
                .map(Objective::direction).findFirst().orElse(Metrics.direction(metric));
    }

    /**
     * The finalization: the runner refits the winner on the rows outside the test split (for
     * the lease's epochs, the task's when it names none), uploads the refit model, and the
     * test score is told.
     */
    private void finalizeWinner() {
        TestResult result;
        try {
            RunnerTask task = validate();
            if (task.dataset() == null || task.dataset().test() == null) {
                throw TunelabException.invalidSpec("the task has no dataset.test split to score the refit winner on");
            }
            dataset = data.prepareQuietly(task.dataset());
            watch(task);
            Splits.Split test = Splits.test(dataset, task.dataset().test(), lease.seed());
            long seed = RepetitionPlan.seed(lease.seed(), 0);
            plans = List.of(new RepetitionPlan(0, seed, test));
            RunOutcome outcome = task.refit(this, new RunnerTask.Refit(test, lease.finalization().epochs(), seed));
            if (outcome.status() == RunOutcome.Status.CANCELLED) {
                log.info("{}: finalization abandoned: {}", label, reports.leaseLost() ? "the lease was lost" : "the worker is stopping");
                return;
            }
            result = new TestResult(outcome.repetitions().getFirst().values(), null, leaseId());
        } catch (UnusableDataException | DataRefusedException | TunelabException.BadRequest e) {
            result = new TestResult(null, e.getMessage(), leaseId());
        } catch (RuntimeException e) {
            log.error("{}: finalization failed unexpectedly", label, e);
            result = new TestResult(null, "the worker failed: " + e, leaseId());
        } finally {
            reports.close();
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

    /** Every objective must be a value the runner reports, else no trial could ever be ranked. */
    private void checkObjectives(RunnerTask task, Dataset data) {
        List<String> available = task.reportedMetrics(data);
        for (Objective o : lease.objectives()) {
            if (!available.contains(o.metric())) {
                throw TunelabException.invalidSpec("objective metric \"" + o.metric() + "\" is not reported for this "
                        + data.encoding().type().wire() + " task; reported: " + String.join(", ", available));
            }
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

    /** Tells a result, retrying while the server is unreachable. */
    private void deliver(Runnable tell) {
        Backoff.retrying(tell, config.maxBackoff(), RESULT_RETRY, label);
    }

    @Override
    public Dataset data() {
        return dataset;
    }

    @Override
    public DataSandbox sandbox() {
        return config.sandbox();
    }

    @Override
    public List<Objective> objectives() {
        return lease.objectives();
    }

    @Override
    public String metric() {
        return metric;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public long seed() {
        return lease.seed();
    }

    @Override
    public List<RepetitionPlan> repetitions() {
        return plans;
    }

    @Override
    public Map<String, Object> savedTask() {
        var saved = new LinkedHashMap<String, Object>(lease.task());
        saved.put("params", Lineage.strip(lease.trial().params()));
        return saved;
    }

    @Override
    public void provenance(String key, Object value) {
        provenance.put(key, value);
    }

    @Override
    public synchronized void uploadModel(byte[] model) {
        long uploadStarted = System.nanoTime();
        // Retried while the server cannot be reached, as the result is: a server restarted while a
        // trial finished had turned the trained trial into a FAILED one.
        Backoff.retrying(() -> coordinator.uploadModel(trialId(), leaseId(), model), config.maxBackoff(), RESULT_RETRY, label,
                "upload the model");
        uploadSeconds += (System.nanoTime() - uploadStarted) / 1e9;
        uploaded = true;
    }

    @Override
    public byte[] artifact(long trialId, String name) {
        return coordinator.artifact(trialId, name);
    }

    @Override
    public synchronized void uploadArtifact(String name, byte[] content) {
        long uploadStarted = System.nanoTime();
        Backoff.retrying(() -> coordinator.uploadArtifact(trialId(), leaseId(), name, content), config.maxBackoff(), RESULT_RETRY,
                label, "upload the artifact " + name);
        uploadSeconds += (System.nanoTime() - uploadStarted) / 1e9;
    }

    @Override
    public void report(int step, Map<String, Double> values) {
        reports.send(step, values);
    }

    @Override
    public Signal signal() {
        if (reports.leaseLost() || abandon.getAsBoolean()) {
            return Signal.ABANDON;
        }
        return reports.pruned() ? Signal.PRUNE : Signal.GO;
    }
}
