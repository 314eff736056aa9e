package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.ProposalContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Configurations a user asks to have evaluated next (Optuna's {@code enqueue_trial}). An
 * enqueued configuration is stored at once as a WAITING trial with the next number, so the next
 * ask, leased ask, batch ask, tell-with-next or worker lease hands it out (first come, first
 * served) before the strategy proposes; it is in the database, survives a restart, counts toward
 * {@code budget.trials}, and is handed out once whichever coordinator is asked, because taking a
 * waiting trial is a step of the experiment's journal. A configuration that repeats one the
 * experiment has is allowed: the user asked for it. Thread-safe; every method may block.
 */
public final class TrialQueue {
    /** The provenance key that marks a trial enqueued by a user rather than proposed by the strategy. */
    public static final String ENQUEUED = "enqueued";

    private static final Logger LOG = LoggerFactory.getLogger(TrialQueue.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final StorageClock clock;
    private final WorkSignal work;
    private final Requests requests;

    TrialQueue(ExperimentRegistry registry, Journal journal, StorageClock clock, WorkSignal work, Requests requests) {
        this.requests = requests;
        this.registry = registry;
        this.journal = journal;
        this.clock = clock;
        this.work = work;
    }

    /**
     * Enqueues {@code params} (some params may be left out: the strategy's proposal fills them)
     * into a RUNNING or PAUSED experiment; answers the WAITING trial. A COMPLETED or STOPPED
     * experiment refuses (INVALID_STATE), as does one whose {@code budget.trials} is spent
     * (BUDGET_EXHAUSTED); params that do not fit the space are refused (INVALID_VALUE) and nothing is stored.
     */
    public Trial enqueue(String ref, Map<String, Object> params, String by) {
        return enqueue(ref, params, by, (RequestKey) null);
    }

    /**
     * {@link #enqueue(String, Map, String)} under a request id (null for none): a retry with the
     * same id answers the trial the first enqueue stored, and enqueues nothing more.
     */
    public Trial enqueue(String ref, Map<String, Object> params, String by, String requestId) {
        return enqueue(ref, params, by, RequestKey.of(requestId));
    }

    /** {@link #enqueue(String, Map, String, String)} under a request's key: a retry must come from the same token with the same body. */
    public Trial enqueue(String ref, Map<String, Object> params, String by, RequestKey requestId) {
        Requests.check(requestId);
        if (params == null) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "an enqueue needs params, as {\"params\": {\"lr\": 0.01}}");
        }
        LiveExperiment e = registry.find(ref);
        String kind = "enqueue:" + e.id();
        StoredTrial stored;
        try {
            stored = journal.record(e, x -> {
                refuseUnlessOpen(x);
                int number = x.reserveNumber();
                try {
                    ExperimentSpec spec = x.spec();
                    var context = new ProposalContext(spec.space(), spec.objectives(), x.row().seed(), number, x.history(),
                            x.proposed(), spec.constraints());
                    Map<String, Object> complete = EnqueuedParams.complete(spec.space(), params, x.strategy(), context);
                    var t = StoredTrial.of(Transitions.enqueued(registry.nextTrialId(), x.id(), number, complete, clock.instant()));
                    var entry = Journal.Entry.none().add(t);
                    Requests.remember(entry, requestId, kind, t.trial(), clock.instant());
                    return entry.answering(t);
                } catch (RuntimeException ex) {
                    x.releaseNumber(number);
                    throw ex;
                }
            });
        } catch (RuntimeException ex) {
            // A retry: the first attempt's trial, stored under the request id.
            return requests.answered(requestId, kind, Trial.class).orElseThrow(() -> ex);
        }
        registry.registerTrial(stored.id(), e);
        LOG.info("trial {} of experiment {} enqueued by token {}", stored.trial().number(), LogText.of(e.name()), LogText.of(by));
        work.signal();
        return stored.trial();
    }

    /** The configurations still queued, first out first: enqueued trials no ask has handed out yet. */
    public List<Trial> queued(String ref) {
        return registry.current(ref).trialsIn(TrialState.WAITING).stream().filter(TrialQueue::isQueued).toList();
    }

    /** Whether a trial waits as it was enqueued: never handed out (a raced trial waiting for its next repetition has some). */
    static boolean isQueued(Trial t) {
        return t.state() == TrialState.WAITING && Boolean.TRUE.equals(t.provenance().get(ENQUEUED)) && t.started() == null
                && t.repetitions().isEmpty();
    }

    private static void refuseUnlessOpen(LiveExperiment x) {
        ExperimentState state = x.row().state();
        if (state == ExperimentState.COMPLETED || state == ExperimentState.STOPPED) {
            throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + x.name() + "\" is " + state
                    + "; enqueue into a RUNNING or PAUSED experiment: resume it first (tunelab sweep resume " + ShellWord.of(x.name())
                    + (state == ExperimentState.COMPLETED ? " --trials N" : "") + ")", Map.of("state", state.name()));
        }
        Integer trials = x.spec().budget().trials();
        int counted = x.budgetedCount();
        if (trials != null && counted >= trials) {
            throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, "the budget of " + trials + " trials is spent (enqueued trials "
                    + "count toward it); resume with a larger budget, as --trials " + (counted + 10) + ", then enqueue");
        }
    }
}
