package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.AskBatchRequest;
import io.tunelab.api.Budget;
import io.tunelab.api.Decision;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.RequestId;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One experiment on a server: ask for trials, tell results, report intermediate values, run
 * the whole loop with {@link #optimize}, read the leaderboard, pause, resume and stop.
 * Thread-safe: {@code optimize} with parallelism shares one handle across threads.
 *
 * <p>A server that cannot be reached (restarted, briefly away) is waited for by the asks and
 * tells, {@link #optimize}'s and those called directly, for up to {@link #serverWait()} (5
 * minutes; {@link #withServerWait} changes it): each is sent again under its request id, which
 * the server answers as the first, so none is applied twice. Every other call is sent once and
 * fails with {@link TunelabException.Unavailable}, as {@link TunelabClient}'s own calls do.
 */
public final class ExperimentHandle {
    /** How often {@link #optimize} renews its trials' leases; the server's lease lasts 60 s by default. */
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(10);
    /** How long asks and tells wait for a server they cannot reach, unless {@link #withServerWait} says otherwise. */
    static final Duration SERVER_WAIT = Duration.ofMinutes(5);

    private final TunelabClient client;
    private final long id;
    private volatile String name;
    private final String metric;
    /** False once the server refused a tell with {@code next} as an unknown field (a server older than it). */
    private volatile boolean tellThenAskKnown = true;
    private final Duration serverWait;

    ExperimentHandle(TunelabClient client, Experiment experiment) {
        this(client, experiment, SERVER_WAIT);
    }

    private ExperimentHandle(TunelabClient client, Experiment experiment, Duration serverWait) {
        this(client, experiment.id(), experiment.name(), experiment.spec().primary().metric(), serverWait);
    }

    private ExperimentHandle(TunelabClient client, long id, String name, String metric, Duration serverWait) {
        this.client = client;
        this.id = id;
        this.name = name;
        this.metric = metric;
        this.serverWait = serverWait;
    }

    /**
     * A handle to this experiment whose asks and tells (and {@link #optimize}'s) wait up to
     * {@code wait} for a server they cannot reach, sending each again under its request id
     * meanwhile; {@code Duration.ZERO} gives up at once with {@link TunelabException.Unavailable}.
     * This handle keeps its own wait.
     */
    public ExperimentHandle withServerWait(Duration wait) {
        if (wait == null || wait.isNegative()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the server wait must be zero (give up at once) or more, "
                    + "as Duration.ofMinutes(1); got " + wait);
        }
        return new ExperimentHandle(client, id, name, metric, wait);
    }

    /** How long asks and tells wait for a server they cannot reach: 5 minutes unless {@link #withServerWait} said otherwise. */
    public Duration serverWait() {
        return serverWait;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    private String ref() {
        return Long.toString(id);
    }

    /**
     * Enqueues a configuration (Optuna's {@code enqueue_trial}): the next ask hands it out before
     * the strategy proposes. Params left out are filled from the strategy's proposal.
     */
    public Trial enqueue(Map<String, Object> params) {
        return TrialQueue.of(client).enqueue(ref(), params);
    }

    /** The experiment as the server has it now. */
    public Experiment info() {
        return client.describe(ref());
    }

    /**
     * A new trial from the strategy; BUDGET_EXHAUSTED or EXPERIMENT_NOT_RUNNING when none is due.
     * Waits for a server it cannot reach ({@link #serverWait()}).
     */
    public TrialProposal ask() {
        return client.ask(ref(), serverWait);
    }

    /**
     * Up to {@code count} new trials in one request (1 to {@link AskBatchRequest#MAX_COUNT}), for a
     * caller with that many free slots; each held under its own lease when {@code leased} (renew
     * them with {@link TunelabClient#heartbeat}). Fewer when the budget runs out part-way;
     * BUDGET_EXHAUSTED or EXPERIMENT_NOT_RUNNING when not even one is due. Under a request id, as
     * an ask: sent again after a dropped connection, it gets the trials the first attempt was
     * handed. Waits for a server it cannot reach ({@link #serverWait()}).
     */
    public List<TrialProposal> ask(int count, boolean leased) {
        byte[] body = Json.writeBytes(AskBatchRequest.of(count, leased));
        return client.decode(client.exchange(new Transport.Request("POST", "/api/experiments/" + ref() + "/trials/batch",
                TunelabClient.json(body), RequestId.random()), true, serverWait), new TypeReference<List<TrialProposal>>() { });
    }

    /**
     * Tells a completed trial's objective value and gets the next trial in the same request: the
     * reply's {@link TellReply#next()}, or in {@link TellReply#noNext()} why there is none.
     */
    public TellReply tellThenAsk(long trialId, double value) {
        return tellThenAsk(trialId, TrialResult.complete(Map.of(metric, value)));
    }

    /**
     * Tells any result and asks for the next trial in the same request (one round trip instead of
     * two); the next trial is leased when the result carries a lease id. The result is recorded
     * whether or not a next trial is due. Under a request id, as a tell: a retry after a dropped
     * connection gets the first answer, next trial included. Waits for a server it cannot reach
     * ({@link #serverWait()}).
     */
    public TellReply tellThenAsk(long trialId, TrialResult result) {
        return tellThenAsk(trialId, result, serverWait);
    }

    /** {@link #tellThenAsk(long, TrialResult)}, sent again under the same request id while the server cannot be reached, for up to {@code wait}. */
    private TellReply tellThenAsk(long trialId, TrialResult result, Duration wait) {
        byte[] body = TellWithNext.body(result);
        return client.decode(client.exchange(new Transport.Request("POST", "/api/trials/" + trialId + "/result", TunelabClient.json(body),
                RequestId.random()), true, wait), TellReply.class);
    }

    /** Tells a completed trial's objective value (the primary objective's metric); waits for a server it cannot reach ({@link #serverWait()}). */
    public void tell(long trialId, double value) {
        tell(trialId, Map.of(metric, value));
    }

    /** Tells a completed trial's metric values. */
    public void tell(long trialId, Map<String, Double> values) {
        tell(trialId, TrialResult.complete(values));
    }

    /** Tells any result: complete, pruned, failed, with repetitions. */
    public void tell(long trialId, TrialResult result) {
        client.result(trialId, result, serverWait);
    }

    /** Ends a trial as pruned, with its last values. */
    public void pruned(long trialId, Map<String, Double> values) {
        tell(trialId, TrialResult.pruned(values));
    }

    /** Reports intermediate values at a step; the answer says whether to prune. */
    public Decision report(long trialId, int step, Map<String, Double> values) {
        return client.report(trialId, ReportRequest.of(step, values));
    }

    public Decision report(long trialId, int step, double value) {
        return report(trialId, step, Map.of(metric, value));
    }

    public List<Trial> trials() {
        return client.trials(ref());
    }

    /** The best {@code limit} complete trials, best first, each with its significance group against the best. */
    public List<Trial> leaderboard(int limit) {
        return client.leaderboard(ref(), limit);
    }

    /**
     * Records the final evaluation of a complete trial, its score on test rows the search never
     * saw (computed by the caller), beside the selection score that chose it.
     */
    public io.tunelab.api.Finalization finalEvaluation(long trialId, Map<String, Double> testValues) {
        return client.test(trialId, io.tunelab.api.TestResult.of(testValues));
    }

    public Experiment pause() {
        return client.pause(ref());
    }

    /** Resumes with the same budget (a PAUSED or STOPPED experiment with budget left). */
    public Experiment resume() {
        return client.resume(ref(), null);
    }

    /** Resumes with {@code moreTrials} trials more than the budget had. */
    public Experiment resume(int moreTrials) {
        Experiment e = info();
        Integer old = e.spec().budget().trials();
        int base = old != null ? old : e.summary().totalTrials();
        if (moreTrials < 1 || (long) base + moreTrials > Integer.MAX_VALUE) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "resume takes 1 to " + ((long) Integer.MAX_VALUE - base)
                    + " more trials (the budget is " + base + " of at most " + Integer.MAX_VALUE + "), got " + moreTrials);
        }
        return client.resume(ref(), Budget.unlimited().withTrials(base + moreTrials));
    }

    /** Resumes with a new budget (its set fields replace the old ones). */
    public Experiment resume(Budget budget) {
        return client.resume(ref(), budget);
    }

    public Experiment stop() {
        return client.stop(ref());
    }

    /** Changes the experiment's name, tags, notes or archived flag: each field the patch sets. */
    public Experiment update(io.tunelab.api.ExperimentPatch patch) {
        Experiment e = Catalog.of(client).update(ref(), patch);
        name = e.name();
        return e;
    }

    public Experiment rename(String newName) {
        return update(io.tunelab.api.ExperimentPatch.rename(newName));
    }

    /** Adds tags (short words, as "baseline") to the experiment. */
    public Experiment tag(String... tags) {
        return update(io.tunelab.api.ExperimentPatch.tagging(List.of(tags), null));
    }

    public Experiment untag(String... tags) {
        return update(io.tunelab.api.ExperimentPatch.tagging(null, List.of(tags)));
    }

    /** Replaces the experiment's notes (an empty text clears them). */
    public Experiment notes(String text) {
        return update(io.tunelab.api.ExperimentPatch.notes(text));
    }

    /** Archives the experiment (hidden from the experiments page unless asked for) or brings it back. */
    public Experiment archive(boolean archived) {
        return update(io.tunelab.api.ExperimentPatch.archive(archived));
    }

    /** Deletes the experiment with its trials, reports, models and artifacts; a RUNNING one must be paused or stopped first. */
    public void delete() {
        Catalog.of(client).delete(ref());
    }

    /**
     * A new experiment named {@code newName} with this one's spec, tags and notes, and none of its
     * trials; its handle waits for a server it cannot reach as this one does ({@link #serverWait()}).
     */
    public ExperimentHandle cloneAs(String newName) {
        return new ExperimentHandle(client, Catalog.of(client).copy(ref(), newName), serverWait);
    }

    /** Waits until the experiment is COMPLETED or STOPPED, or the timeout passes; returns it as it is then. */
    public Experiment awaitCompletion(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Experiment e = info();
            if (e.state() == ExperimentState.COMPLETED || e.state() == ExperimentState.STOPPED
                    || Instant.now().isAfter(deadline)) {
                return e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return info();
            }
        }
    }

    public Experiment awaitCompletion() {
        return awaitCompletion(Duration.ofDays(365));
    }

    /**
     * Runs up to {@code nTrials} trials of ask → evaluate → tell on {@code parallelism} threads,
     * until the count is reached or the experiment hands out no more trials. The function's value
     * is told as the primary objective. A pruned trial is told PRUNED with its last report; a
     * trial whose function throws is told FAILED with the message, and the loop goes on.
     * Trials are held under leases that a background thread renews, so should this process die,
     * its running trials go to the next caller instead of staying RUNNING. A server that cannot be
     * reached (restarted) is waited for up to {@link #serverWait()}: each ask and tell is sent again under
     * its request id, which the server answers as the first, so none is applied twice. Returns how many
     * trials this call finished. When the experiment races, each call of the function is one
     * repetition ({@link TrialContext#repetition()}), counted and told as one.
     */
    public int optimize(ObjectiveFunction objective, int nTrials, int parallelism) {
        return optimizeMetrics(t -> Map.of(metric, objective.evaluate(t)), nTrials, parallelism, trial -> { });
    }

    /** {@link #optimize} for functions that return several metrics; {@code onTrial} sees each finished trial. */
    public int optimizeMetrics(MetricsFunction function, int nTrials, int parallelism, Consumer<TrialProposal> onTrial) {
        if (nTrials < 0 || parallelism < 1) {
            throw new IllegalArgumentException("nTrials must be ≥ 0 and parallelism ≥ 1, got " + nTrials + " and " + parallelism);
        }
        var remaining = new AtomicInteger(nTrials);
        var finished = new AtomicInteger();
        // A lost lease needs no action here: the tell says what became of the trial.
        var heartbeats = LeaseHeartbeats.start("tunelab-heartbeats", client::heartbeat, LeaseHeartbeats.Listener.ignoring());
        try (ExecutorService pool = Executors.newFixedThreadPool(parallelism)) {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                loops.add(pool.submit(() -> {
                    TrialProposal proposal = null;
                    while (true) {
                        if (proposal == null) {
                            if (remaining.getAndDecrement() <= 0) {
                                return null;
                            }
                            try {
                                proposal = client.askLeased(Long.toString(id), serverWait);
                            } catch (TunelabException.BudgetExhausted | TunelabException.ExperimentNotRunning e) {
                                return null;
                            } catch (TunelabException.ParallelLimit e) {
                                remaining.incrementAndGet();
                                Thread.sleep(50);
                                continue;
                            }
                        }
                        heartbeats.hold(proposal.id(), proposal.leaseId(), HEARTBEAT_EVERY);
                        // The next trial's place is taken before the tell, so the tell can bring it back.
                        boolean more = remaining.getAndDecrement() > 0;
                        TellReply reply = null;
                        try {
                            TrialResult result = evaluate(function, proposal);
                            reply = more ? tellMaybeThenAsk(proposal.id(), result) : null;
                            if (reply == null) {
                                client.result(proposal.id(), result, serverWait);
                            }
                            finished.incrementAndGet();
                            onTrial.accept(proposal);
                        } catch (TunelabException.LeaseLost e) {
                            // The lease expired (this process stalled past it) and the trial went to another caller.
                        } finally {
                            heartbeats.drop(proposal.id());
                        }
                        proposal = reply == null ? null : reply.next();
                        if (proposal == null) {
                            remaining.incrementAndGet();
                            if (!more || reply != null && reply.noNext().code() != ErrorCode.PARALLEL_LIMIT) {
                                return null;
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : loops) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            heartbeats.close();
        }
        return finished.get();
    }

    /**
     * Tells a result and asks for the next trial in one request, or answers null, having told
     * nothing, when the server is one that does not know the combined tell (then the caller
     * tells and asks apart, from now on).
     */
    private TellReply tellMaybeThenAsk(long trialId, TrialResult result) {
        if (!tellThenAskKnown) {
            return null;
        }
        try {
            return tellThenAsk(trialId, result, serverWait);
        } catch (TunelabException e) {
            if (e.code() != ErrorCode.MALFORMED_BODY || !e.getMessage().contains("\"next\"")) {
                throw e;
            }
            tellThenAskKnown = false;
            return null;
        }
    }

    private TrialResult evaluate(MetricsFunction function, TrialProposal proposal) {
        var context = new TrialContext(client, metric, proposal);
        Map<String, Object> captured = SdkProvenance.current();
        try {
            Map<String, Double> values = function.evaluate(context);
            List<io.tunelab.api.Repetition> repetitions = context.repetitions();
            // With repetitions the server takes their means as the values, as it does for workers.
            return new TrialResult(TrialState.COMPLETE, repetitions.isEmpty() ? values : null, repetitions, null, proposal.leaseId(),
                    context.provenance(captured));
        } catch (TrialPrunedException e) {
            var values = new HashMap<String, Double>();
            if (context.lastValue() != null) {
                values.put(metric, context.lastValue());
            }
            return new TrialResult(TrialState.PRUNED, values, null, null, proposal.leaseId(), context.provenance(captured));
        } catch (TunelabException e) {
            throw e;
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new TrialResult(TrialState.FAILED, null, null, message, proposal.leaseId(), context.provenance(captured));
        }
    }
}
