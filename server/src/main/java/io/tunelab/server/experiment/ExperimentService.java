package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.Decision;
import io.tunelab.api.ErrorBody;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Param;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.SpecChecks;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.RacePolicy;
import io.tunelab.server.analysis.RankingPolicy;
import io.tunelab.server.pruner.Pruners;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.SearchStrategy;
import io.tunelab.server.strategy.Strategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The experiment lifecycle and the SDK's loop (create, pause, resume, stop, ask, tell, report,
 * suggest) and what workers store for it (models; data reports, which may stop it). Every change
 * goes through the {@link Journal}: durable, then applied to memory, then announced, so what a
 * caller was told survives a crash and a failed write changes nothing. Blocks; thread-safe.
 */
public final class ExperimentService {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentService.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Proposals proposals;
    private final Finalizations finalizations;
    private final WorkSignal work;
    private final StorageClock clock;
    private final CoordinatorConfig limits;
    private final Requests requests;
    private final TrialImports imports;
    private final TrialInputs inputs;
    private final TellWithNext tellWithNext;
    private final RepliesOnCommit onCommit;
    /** Batch asks under one request id run one at a time in this process. */
    private final RequestLocks batches = new RequestLocks();

    ExperimentService(ExperimentRegistry registry, Journal journal, Proposals proposals, Finalizations finalizations,
                      WorkSignal work, StorageClock clock, CoordinatorConfig limits, Requests requests, TrialImports imports) {
        this.requests = requests;
        this.imports = imports;
        this.limits = limits;
        this.registry = registry;
        this.journal = journal;
        this.proposals = proposals;
        this.finalizations = finalizations;
        this.work = work;
        this.clock = clock;
        this.inputs = new TrialInputs(registry, journal, finalizations, clock, limits);
        this.tellWithNext = new TellWithNext(registry, journal, proposals, clock);
        this.onCommit = new RepliesOnCommit(this, registry, journal, proposals, tellWithNext, requests, work, clock);
    }

    /** Creates an experiment for an in-process caller, which has no token; its name must be new. */
    public Experiment create(ExperimentSpec spec) {
        return create(spec, null);
    }

    /** Creates an experiment on behalf of the token named {@code createdBy}; its name must be new. */
    public Experiment create(ExperimentSpec spec, String createdBy) {
        return create(spec, createdBy, null);
    }

    /** {@link #create(ExperimentSpec, String)} with these as its warm start's trials; null: those its {@code warm_start} names now. */
    Experiment create(ExperimentSpec submitted, String createdBy, List<TrialImports.Imported> warmStart) {
        ExperimentSpec spec = Pruners.withDefaults(SpecChecks.newSpec(submitted));
        RankingPolicy.of(spec);
        TaskRunners.check(spec);
        DatasetChecks.check(spec);
        RacePolicy.of(spec);
        if (spec.space().size() > limits.maxParams()) {
            throw TrialInputs.paramLimit(limits, "the spec has " + spec.space().size() + " params");
        }
        long seed = spec.effectiveSeed() != null ? spec.effectiveSeed() : new SecureRandom().nextLong() & Long.MAX_VALUE;
        SearchStrategy strategy = registry.strategy(spec, seed);
        var pruner = Pruners.create(spec.pruner());
        long capacity = Strategies.capacity(strategy);
        ExperimentSpec budgeted = capacity >= 0 && spec.budget().trials() == null
                ? spec.withBudget(spec.budget().withTrials((int) Math.min(Integer.MAX_VALUE, capacity))) : spec;
        List<TrialImports.Imported> warm = warmStart != null ? warmStart : imports.warmStart(spec);
        Instant now = clock.instant();
        var imported = new java.util.ArrayList<StoredTrial>(); // the warm start's trials, written with the row
        LiveExperiment live = registry.register(spec.name(), id -> {
            imported.addAll(imports.stored(warm, id, now, createdBy));
            return LiveExperiment.of(new StoredExperiment(id, budgeted.name(), ExperimentState.RUNNING, budgeted, seed, now, now, null,
                    0, now, createdBy, null), strategy, pruner, imported, null);
        }, row -> journal.insert(row, imported));
        imported.forEach(t -> registry.registerTrial(t.id(), live));
        LOG.info("experiment {} ({}) created with strategy {} by token {}", LogText.of(live.name()), live.id(),
                LogText.of(budgeted.strategy().name()), LogText.of(createdBy));
        journal.announce(live);
        work.signal();
        return live.experiment();
    }

    /** Pauses for an in-process caller, which has no token. */
    public Experiment pause(String ref) {
        return pause(ref, null);
    }

    /** Pauses on behalf of the token named {@code by}, which the experiment records as its {@code updatedBy}. */
    public Experiment pause(String ref, String by) {
        LiveExperiment e = registry.find(ref);
        journal.record(e, x -> {
            StoredExperiment row = x.row();
            return switch (row.state()) {
                case RUNNING -> Journal.Entry.none().experiment(row.withState(ExperimentState.PAUSED, clock.instant(), null).by(by))
                        .answering(null);
                case PAUSED -> Journal.Entry.none().experiment(row).answering(null);
                default -> throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + row.name() + "\" is "
                        + row.state() + "; only a RUNNING experiment can be paused");
            };
        });
        return e.experiment();
    }

    /** Resumes for an in-process caller, which has no token; each field the budget sets replaces the old budget's. */
    public Experiment resume(String ref, Budget budget) {
        return resume(ref, budget, null);
    }

    /** Resumes on behalf of the token named {@code by}; each field the budget sets replaces the old budget's. */
    public Experiment resume(String ref, Budget budget, String by) {
        LiveExperiment e = registry.find(ref);
        journal.record(e, x -> {
            Instant now = clock.instant();
            StoredExperiment row = x.row();
            int trials = x.budgetedCount();
            Budget next = row.spec().budget().overriddenBy(budget);
            if (next.trials() != null && next.trials() < trials) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "budget.trials (" + next.trials()
                        + ") is below the " + trials + " trials the experiment has; give more than " + trials);
            }
            StoredExperiment candidate = row.withSpec(row.spec().withBudget(next), now);
            String spent = Budgets.spent(candidate, trials, now);
            if (spent != null) {
                String hint = next.trials() != null && trials >= next.trials()
                        ? "; raise it, as --trials N or {\"budget\": {\"trials\": " + (trials + 10) + "}}" : "; raise budget.minutes";
                throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, "cannot resume \"" + row.name() + "\": " + spent + hint);
            }
            return Journal.Entry.none().experiment(candidate.withState(ExperimentState.RUNNING, now, null).by(by)).answering(null);
        });
        work.signal();
        return e.experiment();
    }

    /** Stops for an in-process caller, which has no token. */
    public Experiment stop(String ref) {
        return stop(ref, null);
    }

    /**
     * Stops on behalf of the token named {@code by}; the stop reason names it. A stopped or
     * completed experiment stays as it is: a completed one has nothing left to stop, and calling
     * it stopped would hide that it spent its budget.
     */
    public Experiment stop(String ref, String by) {
        LiveExperiment e = registry.find(ref);
        journal.record(e, x -> {
            StoredExperiment row = x.row();
            return Journal.Entry.none().experiment(row.state() == ExperimentState.STOPPED || row.state() == ExperimentState.COMPLETED ? row
                    : row.withState(ExperimentState.STOPPED, clock.instant(), by == null ? null : "stopped by token " + by).by(by))
                    .answering(null);
        });
        return e.experiment();
    }

    /** A new trial from the experiment's strategy (the SDK's ask). */
    public TrialProposal ask(String ref) {
        return ask(ref, false);
    }

    /**
     * A trial for an SDK caller. With a lease, the caller heartbeats it; a trial whose caller's
     * lease expired waits for the next ask, which gets it (same params) before any new one.
     */
    public TrialProposal ask(String ref, boolean leased) {
        return ask(ref, leased, (RequestKey) null);
    }

    /**
     * {@link #ask(String, boolean)} under a request id (null for none): a retry with the same id
     * answers the trial the first ask got, and asks for no new one.
     */
    public TrialProposal ask(String ref, boolean leased, String requestId) {
        return ask(ref, leased, RequestKey.of(requestId));
    }

    /** {@link #ask(String, boolean, String)} under a request's key: a retry must come from the same token with the same body. */
    public TrialProposal ask(String ref, boolean leased, RequestKey requestId) {
        Requests.check(requestId);
        return ask(registry.find(ref), leased, requestId);
    }

    /**
     * Up to {@code count} trials at once (a batch ask), each as {@link #ask(String, boolean)}
     * hands it out: fewer when the budget or {@code budget.parallel} runs out part-way; the
     * refusal of an ask when not even one is due.
     */
    public List<TrialProposal> ask(String ref, int count, boolean leased) {
        return ask(ref, count, leased, null);
    }

    /**
     * {@link #ask(String, int, boolean)} under a request's key (null for none): each trial's
     * answer is stored with it under an id derived from the key and the trial's place in the batch
     * ({@link Requests#batchOf}), so the batch sent again under its id answers the trials the
     * first attempt handed out and asks only for those it did not get to (a kill part-way
     * through); the same id from another token or with another body is refused.
     */
    public List<TrialProposal> ask(String ref, int count, boolean leased, RequestKey requestId) {
        Requests.check(requestId);
        // The same batch sent again while its first attempt still runs (a client that gave up
        // waiting) waits for it here, then answers what the first stored: run side by side, the
        // second could find the budget spent before the first's trials were stored, and answer fewer.
        return batches.under(requestId, () -> askBatch(ref, count, leased, requestId));
    }

    private List<TrialProposal> askBatch(String ref, int count, boolean leased, RequestKey requestId) {
        LiveExperiment e = registry.find(ref);
        var proposals = new java.util.ArrayList<TrialProposal>(count);
        for (int i = 0; i < count; i++) {
            try {
                proposals.add(ask(e, leased, Requests.batchOf(requestId, i)));
            } catch (TunelabException refused) {
                if (proposals.isEmpty() || !isNoTrialDue(refused)) {
                    throw refused;
                }
                break;
            }
        }
        return proposals;
    }

    /**
     * Records a trial's result as {@link #tell(long, TrialResult, String)} does, then asks its
     * experiment for the next trial in the same call (one round trip for the SDK's loop): leased
     * when the tell carried a lease. When no trial is due the reply says why; the result is
     * recorded either way. When a new trial is due after the tell, the tell and that trial are one
     * step of the journal, written in one commit ({@link TellWithNext}).
     */
    public TellReply tellThenAsk(long trialId, TrialResult result, String toldBy, String requestId) {
        return tellThenAsk(trialId, result, toldBy, RequestKey.of(requestId));
    }

    /** {@link #tellThenAsk(long, TrialResult, String, String)} under a request's key. */
    public TellReply tellThenAsk(long trialId, TrialResult result, String toldBy, RequestKey requestId) {
        Requests.check(requestId);
        LiveExperiment e = registry.owner(trialId);
        TellWithNext.Outcome one;
        try {
            one = tellWithNext.record(e, trialId, result, toldBy, requestId);
        } catch (RuntimeException ex) {
            one = retriedWhileWritten(ex, trialId, requestId);
        }
        return afterOneStep(e, one, trialId, result, toldBy, requestId);
    }

    /**
     * {@link #tellThenAsk} for a caller that does not wait for the commit ({@link RepliesOnCommit}):
     * the future answers on the thread that commits; what reads or writes after the write runs on {@code blocking}.
     */
    public CompletableFuture<TellReply> tellThenAskLater(long trialId, TrialResult result, String toldBy, String requestId,
                                                         Executor blocking) {
        return tellThenAskLater(trialId, result, toldBy, RequestKey.of(requestId), blocking);
    }

    /** {@link #tellThenAskLater(long, TrialResult, String, String, Executor)} under a request's key. */
    public CompletableFuture<TellReply> tellThenAskLater(long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                                         Executor blocking) {
        return onCommit.tellThenAsk(trialId, result, toldBy, requestId, blocking);
    }

    /**
     * {@link #tellThenAskLater(long, TrialResult, String, RequestKey, Executor)} on a thread that must
     * never wait, an event loop: null, having changed nothing, when the tell might wait there (its
     * experiment not in memory, a strategy that is not {@link io.tunelab.server.strategy.SearchStrategy#quick
     * quick}, …); the caller then makes it on a thread that may wait. What waits after the call starts
     * (a write under way holding the trial's row, a retry's stored answer) goes on on {@code blocking}.
     */
    public CompletableFuture<TellReply> tellThenAskHere(long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                                        Executor blocking) {
        return onCommit.tellThenAskHere(trialId, result, toldBy, requestId, blocking);
    }

    /** {@link #tellLater(long, TrialResult, String, RequestKey, Executor)} on a thread that must never wait, as {@link #tellThenAskHere}. */
    public CompletableFuture<Trial> tellHere(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        return onCommit.tellHere(trialId, result, toldBy, requestId, blocking);
    }

    /** {@link #askLater(String, boolean, RequestKey, Executor)} on a thread that must never wait, as {@link #tellThenAskHere}. */
    public CompletableFuture<TrialProposal> askHere(String ref, boolean leased, RequestKey requestId, Executor blocking) {
        return onCommit.askHere(ref, leased, requestId, blocking);
    }

    /** {@link #tell(long, TrialResult, String, String)} answered on commit, as {@link #tellThenAskLater}. */
    public CompletableFuture<Trial> tellLater(long trialId, TrialResult result, String toldBy, String requestId, Executor blocking) {
        return tellLater(trialId, result, toldBy, RequestKey.of(requestId), blocking);
    }

    /** {@link #tellLater(long, TrialResult, String, String, Executor)} under a request's key. */
    public CompletableFuture<Trial> tellLater(long trialId, TrialResult result, String toldBy, RequestKey requestId, Executor blocking) {
        return onCommit.tell(trialId, result, toldBy, requestId, blocking);
    }

    /** {@link #ask(String, boolean, String)} answered on commit, as {@link #tellThenAskLater}. */
    public CompletableFuture<TrialProposal> askLater(String ref, boolean leased, String requestId, Executor blocking) {
        return askLater(ref, leased, RequestKey.of(requestId), blocking);
    }

    /** {@link #askLater(String, boolean, String, Executor)} under a request's key. */
    public CompletableFuture<TrialProposal> askLater(String ref, boolean leased, RequestKey requestId, Executor blocking) {
        return onCommit.ask(ref, leased, requestId, blocking);
    }

    /** Null when the same tell was retried while its first attempt was written (the two steps after it answer it from storage); else throws {@code failure}. */
    TellWithNext.Outcome retriedWhileWritten(Throwable failure, long trialId, RequestKey requestId) {
        if (requests.told(requestId, trialId).isEmpty()) {
            throw Requests.unanswered(RepliesOnCommit.rethrown(failure), requestId);
        }
        return null;
    }

    /** After the step that told, with the next trial or not ({@code one}: null when it did nothing): the reply, asking once more when needed. */
    TellReply afterOneStep(LiveExperiment e, TellWithNext.Outcome one, long trialId, TrialResult result, String toldBy,
                                   RequestKey requestId) {
        if (one != null && one.next() != null) {
            work.signal();
            return new TellReply(trialId, one.told().state(), one.next(), null);
        }
        Told told = one == null ? tellOnce(trialId, result, toldBy, requestId) : afterTell(e, one.told());
        try {
            // A retry with the same request id gets the trial the first one got, not another: stored
            // beside the tell's answer, or (a first tell made before the two were stored together)
            // under the hashed id, or, asked after the tell, under the tell's derived id (the ask answers it).
            Optional<TrialProposal> earlier = told.retried()
                    ? requests.nextToldBefore(requestId, trialId)
                            .or(() -> requests.answered(Requests.hashedNextOf(requestId), askKind(e), TrialProposal.class))
                    : Optional.empty();
            TrialProposal next = earlier.isPresent() ? earlier.get() : ask(e, result.leaseId() != null, Requests.nextOf(requestId));
            return new TellReply(trialId, told.trial().state(), next, null);
        } catch (TunelabException refused) {
            if (!isNoTrialDue(refused)) {
                throw refused;
            }
            return new TellReply(trialId, told.trial().state(), null, ErrorBody.of(refused));
        }
    }

    /** A tell's answer, and whether it was a retry answered from what the first attempt stored. */
    record Told(Trial trial, boolean retried) {
    }

    private static String askKind(LiveExperiment e) {
        return TellWithNext.askKind(e);
    }

    /** What follows a recorded tell: the experiment completes if that spent its budget, and workers look for work. */
    Told afterTell(LiveExperiment e, Trial told) {
        proposals.afterStep(e);
        work.signal();
        return new Told(told, false);
    }

    /** Whether an ask was refused because the experiment has no trial to give now (not a fault). */
    private static boolean isNoTrialDue(TunelabException refused) {
        return switch (refused.code()) {
            // INVALID_STATE: the stored spec cannot be sampled (Proposals#unsampleable).
            case BUDGET_EXHAUSTED, EXPERIMENT_NOT_RUNNING, PARALLEL_LIMIT, INVALID_STATE -> true;
            default -> false;
        };
    }

    private TrialProposal ask(LiveExperiment e, boolean leased, RequestKey requestId) {
        String kind = askKind(e);
        // A retry is not looked up first: its own write fails on the stored request id, and the
        // stored answer is read then, so a first request costs no read.
        String leaseId = leased ? LeaseIds.next() : null;
        BiConsumer<Journal.Entry, StoredTrial> answer = (entry, t) -> Requests.remember(entry, requestId, kind, proposal(e, t, leaseId),
                clock.instant());
        try {
            // Trials of a task wait for workers; the others wait for the next ask.
            StoredTrial waiting = e.spec().task() == null ? proposals.takeWaiting(e, null, leaseId, answer) : null;
            return proposal(e, waiting != null ? waiting : proposals.newTrial(e, null, leaseId, true, answer), leaseId);
        } catch (RuntimeException ex) {
            // A retry: the first attempt's answer, stored under the request id.
            return requests.answered(requestId, kind, TrialProposal.class).orElseThrow(() -> ex);
        }
    }

    static TrialProposal proposal(LiveExperiment e, StoredTrial t, String leaseId) {
        return new TrialProposal(t.id(), t.trial().number(), t.trial().params(), leaseId,
                Races.nextRepetition(e.spec(), t.trial()));
    }

    /** Records a trial's result durably (the tell) for an in-process caller, which has no token. */
    public Trial tell(long trialId, TrialResult result) {
        return tell(trialId, result, null);
    }

    /**
     * Records a trial's result durably (the tell), told by the token named {@code toldBy}. When the
     * experiment races, a COMPLETE result tells the trial's leased repetition, after which the trial
     * waits for its next one or ends COMPLETE or RACED_OUT ({@link Races}).
     */
    public Trial tell(long trialId, TrialResult result, String toldBy) {
        return tell(trialId, result, toldBy, (String) null);
    }

    /**
     * {@link #tell(long, TrialResult, String)} under a request id (null for none): a retry with
     * the same id answers what the first tell answered, and is not applied again.
     */
    public Trial tell(long trialId, TrialResult result, String toldBy, String requestId) {
        return tellOnce(trialId, result, toldBy, RequestKey.of(requestId)).trial();
    }

    private Told tellOnce(long trialId, TrialResult result, String toldBy, RequestKey requestId) {
        Requests.check(requestId);
        LiveExperiment e = registry.owner(trialId);
        Trial told;
        try {
            told = journal.record(e, x -> {
                StoredTrial current = x.openTrial(trialId, result.leaseId());
                Trial t = tellWithNext.told(x, current, result, toldBy);
                return tellWithNext.tell(current, t, requestId).answering(t);
            });
        } catch (RuntimeException ex) {
            // A retry: the first attempt finished the trial (or stored the id), and its answer is stored.
            return new Told(requests.toldBefore(requestId, trialId, ex), true);
        }
        return afterTell(e, told);
    }

    /** Records an intermediate report durably and answers with the pruner's decision. */
    public Decision report(long trialId, ReportRequest request) {
        return inputs.report(trialId, request);
    }

    /** A value for a param that the trial's code defines while it runs; adds it to the space when new. */
    public Object suggest(long trialId, String name, Param param) {
        return inputs.suggest(trialId, name, param);
    }

    /**
     * Stores the dataset's data-quality report, under the live lease {@code leaseId} of one of the
     * experiment's unfinished trials; {@code usable: false} stops a running or paused experiment
     * with its problems, on behalf of the token {@code by}.
     */
    public void putDataReport(String ref, String leaseId, String by, Map<String, Object> report) {
        inputs.putDataReport(ref, leaseId, by, report);
    }

    /** Stores the model a trial's worker uploaded under its lease; answers its SHA-256 ({@link TrialInputs#putModel}). */
    public String putModel(long trialId, String leaseId, Path file) {
        return inputs.putModel(trialId, leaseId, file);
    }

    /** Refuses a model upload that {@link #putModel} would refuse whatever its body ({@link TrialInputs#checkModelUpload}). */
    public void checkModelUpload(long trialId, String leaseId) {
        inputs.checkModelUpload(trialId, leaseId);
    }
}
