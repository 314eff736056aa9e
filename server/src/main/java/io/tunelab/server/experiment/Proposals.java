package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.Configurations;
import io.tunelab.server.strategy.ProposalContext;
import io.tunelab.server.strategy.TrialHistory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an experiment's next trial comes from: a trial waiting for a new owner first, else a
 * new proposal of the experiment's strategy, within the experiment's budget. An experiment
 * whose budget is spent and whose trials are all finished is marked COMPLETED here.
 * Thread-safe; proposals run outside the experiment's monitor.
 */
final class Proposals {
    private static final Logger LOG = LoggerFactory.getLogger(Proposals.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final StorageClock clock;
    private final FailingStart failingStart;
    private final Refusals refusals;
    private final Duration leaseDuration;
    private final Timer proposeTimer;
    private final Timer askTimer;
    private volatile Consumer<LiveExperiment> whenCompleted = e -> { };

    Proposals(ExperimentRegistry registry, Journal journal, StorageClock clock, Duration leaseDuration, MeterRegistry meters) {
        this.registry = registry;
        this.journal = journal;
        this.clock = clock;
        this.failingStart = new FailingStart(journal, clock);
        this.refusals = new Refusals(clock);
        this.leaseDuration = leaseDuration;
        this.proposeTimer = Timer.builder("tunelab.strategy.propose").description("time a strategy takes to propose a trial")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.askTimer = Timer.builder("tunelab.ask").description("time from an ask (or a lease that starts a new trial) to its "
                        + "trial stored durably: the proposal, the number and the commit").publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * Hands out the first trial that waits for a new owner (its last lease expired or was
     * released), held by {@code worker} under {@code leaseId} (none when null), or null when
     * none waits.
     */
    StoredTrial takeWaiting(LiveExperiment e, String worker, String leaseId) {
        return takeWaiting(e, worker, leaseId, NO_ANSWER);
    }

    /** What a step also writes about the trial it hands out: the answer to a request id, say. */
    static final BiConsumer<Journal.Entry, StoredTrial> NO_ANSWER = (entry, t) -> { };

    /** {@link #takeWaiting(LiveExperiment, String, String)}, its entry completed by {@code answer}. */
    StoredTrial takeWaiting(LiveExperiment e, String worker, String leaseId, BiConsumer<Journal.Entry, StoredTrial> answer) {
        if (journal.shared() && e.count(TrialState.WAITING) == 0) {
            // Spares a transaction: a trial another coordinator put back to WAITING just now is
            // seen by the next ask, after this one's transaction caught up.
            return null;
        }
        return journal.record(e, x -> handOutWaiting(x, worker, leaseId, answer));
    }

    /** The step that hands out the first waiting trial (an enqueued one, or one whose lease expired), or plans nothing. */
    private Journal.Planned<StoredTrial> handOutWaiting(LiveExperiment x, String worker, String leaseId,
                                                        BiConsumer<Journal.Entry, StoredTrial> answer) {
        // The count is kept per state: no scan of every trial on the ask of an experiment where none waits.
        if (!x.isRunning() || x.count(TrialState.WAITING) == 0) {
            return Journal.Entry.nothing(null);
        }
        for (StoredTrial t : x.storedTrials()) {
            if (t.trial().state() == TrialState.WAITING) {
                if (TrialQueue.isQueued(t.trial()) && Refusals.atParallelLimit(x)) {
                    return Journal.Entry.nothing(null); // a new trial for budget.parallel: the ask is refused as one would be
                }
                Instant now = clock.instant();
                var leased = new StoredTrial(Transitions.restarted(t.trial(), now, worker), leaseId,
                        leaseId == null ? null : now.plus(leaseDuration), t.attempts());
                var entry = Journal.Entry.none().replace(t, leased);
                answer.accept(entry, leased);
                return entry.answering(leased);
            }
        }
        return Journal.Entry.nothing(null);
    }

    /**
     * A new trial from the strategy: reserves its number, proposes outside the monitor, then
     * stores it. With {@code strict}, a refusal is an exception; otherwise it is null (the
     * lease loop).
     */
    StoredTrial newTrial(LiveExperiment e, String worker, String leaseId, boolean strict) {
        return newTrial(e, worker, leaseId, strict, NO_ANSWER);
    }

    /** {@link #newTrial(LiveExperiment, String, String, boolean)}, its entry completed by {@code answer}. */
    StoredTrial newTrial(LiveExperiment e, String worker, String leaseId, boolean strict,
                         BiConsumer<Journal.Entry, StoredTrial> answer) {
        long start = System.nanoTime();
        boolean shared = journal.shared();
        StoredTrial stored;
        try {
            stored = shared ? newTrialShared(e, worker, leaseId, strict, answer) : proposed(e, worker, leaseId, strict);
        } catch (RuntimeException ex) {
            throw exhausted(e, ex);
        }
        if (stored != null) {
            if (!shared) {
                journal.record(e, adding(stored, answer));
                registry.registerTrial(stored.id(), e);
            }
            askTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return stored;
    }

    /**
     * {@link #newTrial(LiveExperiment, String, String, boolean, BiConsumer)} that refuses and
     * proposes at once but does not wait for the write: the future answers the trial once it is
     * committed and known by its id, on the thread that commits (chain nothing to it that writes).
     * On a database other coordinators share, the trial is stored at once.
     */
    CompletableFuture<StoredTrial> newTrialLater(LiveExperiment e, String worker, String leaseId, boolean strict,
                                                 BiConsumer<Journal.Entry, StoredTrial> answer) {
        long start = System.nanoTime();
        StoredTrial stored;
        try {
            if (journal.shared()) {
                return CompletableFuture.completedFuture(newTrial(e, worker, leaseId, strict, answer));
            }
            stored = proposed(e, worker, leaseId, strict);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(exhausted(e, refused));
        }
        if (stored == null) {
            return CompletableFuture.completedFuture(null);
        }
        return written(e, stored, answer, null, start);
    }

    /** Writes the proposed trial with its answer ({@link Journal#recordLater(LiveExperiment, Function, Executor)}); the future answers it once known by its id. */
    private CompletableFuture<StoredTrial> written(LiveExperiment e, StoredTrial stored, BiConsumer<Journal.Entry, StoredTrial> answer,
                                                   Executor waiting, long start) {
        return journal.recordLater(e, adding(stored, answer), waiting).thenApply(t -> {
            registry.registerTrial(t.id(), e);
            askTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return t;
        });
    }

    /**
     * {@link #newTrialLater} for an ask made on a thread that must never wait (an event loop), of an
     * experiment whose strategy is {@link io.tunelab.server.strategy.SearchStrategy#quick quick}:
     * null, having changed nothing, where the ask might wait there (the journal shared, the ask
     * refused, whose refusal may complete the experiment, or the strategy failing, which may end
     * it); a write under way that holds a row of the step is waited for on {@code waiting}.
     */
    CompletableFuture<StoredTrial> newTrialHere(LiveExperiment e, String leaseId, BiConsumer<Journal.Entry, StoredTrial> answer,
                                                Executor waiting) {
        long start = System.nanoTime();
        if (journal.shared()) {
            return null;
        }
        StoredTrial stored = proposed(e, null, leaseId, true, true);
        return stored == null ? null : written(e, stored, answer, waiting, start);
    }

    /** The next trial, proposed outside the monitor under a reserved number; null (or the refusal, when strict) when none is due. */
    private StoredTrial proposed(LiveExperiment e, String worker, String leaseId, boolean strict) {
        return proposed(e, worker, leaseId, strict, false);
    }

    /** {@link #proposed(LiveExperiment, String, String, boolean)}; {@code here}: null instead of a refusal or the strategy's failure, having changed nothing. */
    private StoredTrial proposed(LiveExperiment e, String worker, String leaseId, boolean strict, boolean here) {
        int number;
        List<Trial> history;
        Configurations.Seen proposed;
        String refusal;
        synchronized (e) {
            refusal = refusals.refusal(e);
            number = refusal == null ? e.reserveNumber() : -1;
            history = refusal == null ? e.historyFor(number) : null;
            proposed = refusal == null ? e.proposedFor(number) : null;
        }
        if (refusal != null) {
            if (here) {
                return null;
            }
            completeIfDone(e);
            if (!strict) {
                return null;
            }
            throw Refusals.error(e, refusal);
        }
        Map<String, Object> params;
        try {
            params = propose(e, number, history, proposed);
        } catch (RuntimeException ex) {
            e.releaseNumber(number);
            if (here) {
                return null;
            }
            throw ex;
        }
        return started(e, number, params, worker, leaseId);
    }

    private static Function<LiveExperiment, Journal.Planned<StoredTrial>> adding(StoredTrial stored,
                                                                                 BiConsumer<Journal.Entry, StoredTrial> answer) {
        return x -> {
            var entry = Journal.Entry.none().add(stored);
            answer.accept(entry, stored);
            return entry.answering(stored);
        };
    }

    /** What a step of {@link #newTrialShared} came to: a trial, or why there is none. */
    private record Outcome(StoredTrial trial, String refusal) {
    }

    /**
     * A new trial when other coordinators share the database: refusal, number and proposal are
     * decided in one step, under the experiment's lock, from the history every coordinator wrote.
     */
    private StoredTrial newTrialShared(LiveExperiment e, String worker, String leaseId, boolean strict,
                                       BiConsumer<Journal.Entry, StoredTrial> answer) {
        Outcome outcome = journal.record(e, x -> {
            String refusal = refusals.refusal(x);
            if (refusal != null) {
                return Journal.Entry.nothing(new Outcome(null, refusal));
            }
            // A trial enqueued (or put back) on another coordinator is seen only now, after the catch-up:
            // it goes first, to a worker's lease or to the ask of an experiment without a task.
            if ((worker != null || x.spec().task() == null) && x.count(TrialState.WAITING) > 0) {
                Journal.Planned<StoredTrial> waiting = handOutWaiting(x, worker, leaseId, answer);
                if (waiting.result() != null) {
                    return waiting.entry().answering(new Outcome(waiting.result(), null));
                }
            }
            int number = x.reserveNumber();
            try {
                var stored = started(x, number, proposeOnce(x, number, x.historyFor(number), x.proposedFor(number)), worker, leaseId);
                var entry = Journal.Entry.none().add(stored);
                answer.accept(entry, stored);
                return entry.answering(new Outcome(stored, null));
            } catch (RuntimeException ex) {
                x.releaseNumber(number);
                throw ex;
            }
        });
        if (outcome.refusal() != null) {
            completeIfDone(e);
            if (!strict) {
                return null;
            }
            throw Refusals.error(e, outcome.refusal());
        }
        registry.registerTrial(outcome.trial().id(), e);
        return outcome.trial();
    }

    private Map<String, Object> propose(LiveExperiment e, int number, List<Trial> history, Configurations.Seen proposed) {
        return propose(e, number, history, proposed, h -> h);
    }

    /**
     * The strategy's proposal for trial {@code number}, outside the monitor, from {@code history};
     * a proposal that repeats a trial stored meanwhile, or one proposed meanwhile for another
     * reserved number, is made again from the history then, as {@code seen} shows it (a step that
     * tells a trial proposes from the history with the told trial).
     */
    Map<String, Object> propose(LiveExperiment e, int number, List<Trial> history, Configurations.Seen proposed,
                                Function<TrialHistory.Snapshot, List<Trial>> seen) {
        boolean empty = e.spec().space().size() == 0;
        int attempts = 0;
        Map<String, Object> refused = null;
        for (int attempt = 1; ; attempt++) {
            Map<String, Object> params = proposeOnce(e, number, history, proposed);
            // Concurrent asks propose from the same history; they could choose the same point (a
            // Gaussian process's optimum of its acquisition, a child whose only change is in a
            // discrete param). The first to claim it keeps it; the others propose again, seeing
            // it: of k asks at once the last may need k attempts. A strategy that proposes what
            // was just refused again does not take the others into account: its proposal stands.
            synchronized (e) {
                attempts = Math.max(attempts, 3 + e.inFlight());
                if (e.claim(number, proposed, params, clock.instant(), empty || attempt >= attempts || params.equals(refused))) {
                    return params;
                }
                refused = params;
                history = seen.apply(e.historyFor(number));
                proposed = e.proposedFor(number);
            }
        }
    }

    /**
     * One proposal of the strategy for trial {@code number} from {@code history} and its set of
     * configurations (the no-repeat guard asks one hash lookup instead of a pass over every earlier trial).
     */
    Map<String, Object> proposeOnce(LiveExperiment e, int number, List<Trial> history, Configurations.Seen proposed) {
        ExperimentSpec spec = e.spec();
        var context = new ProposalContext(spec.space(), spec.objectives(), e.row().seed(), number, history, proposed,
                spec.constraints());
        long start = System.nanoTime();
        Map<String, Object> params = e.strategy().propose(context);
        proposeTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return params;
    }

    /** A new trial's row: RUNNING from now, held by {@code worker} under {@code leaseId} (none when null). */
    StoredTrial started(LiveExperiment e, int number, Map<String, Object> params, String worker, String leaseId) {
        Instant now = clock.instant();
        e.proposed(number, params, now);
        var trial = Transitions.started(registry.nextTrialId(), e.id(), number, params, now, worker);
        return leaseId == null ? StoredTrial.of(trial) : new StoredTrial(trial, leaseId, now.plus(leaseDuration), 0);
    }

    /** Records how long an ask that started at {@code startNanos} took until its trial was stored. */
    void asked(long startNanos) {
        askTimer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** {@link Refusals#refusalAfter}: why a step from {@code before} to {@code after} is followed by no new trial, or null. */
    String refusalAfter(LiveExperiment e, Trial before, Trial after) {
        return refusals.refusalAfter(e, before, after);
    }

    /**
     * {@code failure}, after taking note when it is the strategy's finding that every configuration
     * of the space has been proposed: the experiment then completes once no trial is active (as a
     * grid search ends its study), instead of staying RUNNING with nothing left to hand out.
     */
    private RuntimeException exhausted(LiveExperiment e, RuntimeException failure) {
        if (failure instanceof TunelabException te && te.code() == ErrorCode.BUDGET_EXHAUSTED && e.budgetSpent(clock.instant()) == null) {
            e.exhausted(te.getMessage());
            afterStep(e);
        }
        return failure;
    }

    /** What runs after this coordinator completes an experiment (its automatic finalization). */
    void whenCompleted(Consumer<LiveExperiment> then) {
        whenCompleted = then;
    }

    /**
     * After a stored step that may have spent the budget (a tell, reaped leases): completes the
     * experiment. That step is already answered, so a failure here is logged, not passed on; the
     * next ask finds the budget spent and completes the experiment then.
     */
    void afterStep(LiveExperiment e) {
        try {
            completeIfDone(e);
            failingStart.stopIfFailing(e);
        } catch (RuntimeException ex) {
            LOG.warn("experiment {}: completing or stopping it was not recorded ({}); the next step does it", e.name(), ex.toString());
        }
    }

    /**
     * Marks a RUNNING experiment COMPLETED once its budget is spent and no trial is active, then
     * runs what follows a completion.
     */
    boolean completeIfDone(LiveExperiment e) {
        if (journal.shared() && !e.isDone(clock.instant())) {
            // Memory is current up to the caller's own step: of two coordinators whose steps
            // finish an experiment, the later one sees the earlier one's and completes it.
            return false;
        }
        boolean completed = journal.record(e, x -> {
            Instant now = clock.instant();
            if (!x.isDone(now)) {
                return Journal.Entry.nothing(false);
            }
            return Journal.Entry.none().experiment(x.row().withState(ExperimentState.COMPLETED, now, null)).answering(true);
        });
        if (completed) {
            whenCompleted.accept(e);
        }
        return completed;
    }
}
