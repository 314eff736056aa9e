package io.tunelab.server.experiment;

import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.Configurations;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A tell that brings the next trial, as one step of the {@link Journal}: the told trial's row, the
 * next trial's row and the tell's answer with the next trial's proposal beside it (one stored
 * answer under the tell's request id) are written in one commit, and only then applied to memory. The next trial is proposed from the history as it will be after the tell (with the
 * told trial in its place) and is counted against the budget after it, as an ask made after the
 * tell would be; a failed write changes nothing, neither the tell nor the next trial.
 *
 * <p>When no new trial of the strategy is due after the tell (the budget is spent, the experiment
 * is not RUNNING, {@code budget.parallel} is reached, a trial waits to be handed out first) the
 * step records the tell alone and says so, and the caller asks after it as before; when the tell
 * cannot be planned here (a retry, a refused tell) nothing is done and the caller tells, then
 * asks. On a database this process alone writes, without {@code budget.parallel}, the proposal is
 * made outside the experiment's monitor and written if the told trial did not change meanwhile;
 * otherwise it is made inside the step (under the experiment's lock in a shared database, after
 * the catch-up). Thread-safe.
 */
final class TellWithNext {
    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Proposals proposals;
    private final StorageClock clock;

    TellWithNext(ExperimentRegistry registry, Journal journal, Proposals proposals, StorageClock clock) {
        this.registry = registry;
        this.journal = journal;
        this.proposals = proposals;
        this.clock = clock;
    }

    /** What the step recorded: the told trial, and the next trial with its proposal (null: none was planned with the tell). */
    record Outcome(Trial told, TrialProposal next) {
    }

    /** The trial as the tell leaves it, planned from the experiment as it is; throws to refuse the tell. */
    Trial told(LiveExperiment x, StoredTrial current, TrialResult result, String toldBy) {
        return Races.tellsRepetition(x.spec(), result)
                ? Races.told(current.trial(), result, x.spec(), x.history(), clock.instant(), toldBy)
                : Results.finished(current.trial(), result, x.spec(), clock.instant(), toldBy);
    }

    /** The tell's changes: the trial's row and, under {@code requestId} (none when null), its answer. */
    Journal.Entry tell(StoredTrial current, Trial told, RequestKey requestId) {
        var entry = changed(current, told);
        Requests.rememberTold(entry, requestId, told, null, clock.instant());
        return entry;
    }

    /** The tell's change of the trial's row alone: its answer is stored once it is known whether a next trial goes with it. */
    private static Journal.Entry changed(StoredTrial current, Trial told) {
        return Journal.Entry.none().replace(current, new StoredTrial(told, null, null, current.attempts()));
    }

    /** The tell alone, with its answer stored: no next trial is planned with it. */
    private Journal.Planned<Outcome> alone(Journal.Entry entry, Trial told, RequestKey requestId) {
        Requests.rememberTold(entry, requestId, told, null, clock.instant());
        return entry.answering(new Outcome(told, null));
    }

    static String tellKind(long trialId) {
        return "tell:" + trialId;
    }

    static String askKind(LiveExperiment e) {
        return "ask:" + e.id();
    }

    /**
     * Tells and plans the next trial (leased when the result carries a lease) in one step; null
     * when nothing was done here (the caller then tells and asks in two steps, which refuse or
     * answer a retry as they always did).
     */
    Outcome record(LiveExperiment e, long trialId, TrialResult result, String toldBy, RequestKey requestId) {
        String leaseId = result.leaseId() != null ? LeaseIds.next() : null;
        if (plansAtOnce(e)) {
            return proposedOutside(e, trialId, result, toldBy, requestId, leaseId);
        }
        // The next trial's place under budget.parallel is decided with the tell that frees it.
        long start = System.nanoTime();
        Outcome outcome = journal.record(e, x -> {
            try {
                return inStep(x, trialId, result, toldBy, requestId, leaseId);
            } catch (RuntimeException refusedOrRetried) {
                return Journal.Entry.nothing(null);
            }
        });
        if (outcome != null && outcome.next() != null) {
            registry.registerTrial(outcome.next().id(), e);
            proposals.asked(start);
        }
        return outcome;
    }

    /** The whole step under the experiment's monitor: the tell, and the next trial when one is due after it. */
    private Journal.Planned<Outcome> inStep(LiveExperiment x, long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                            String leaseId) {
        StoredTrial current = x.openTrial(trialId, result.leaseId());
        Trial told = told(x, current, result, toldBy);
        Journal.Entry entry = changed(current, told);
        if (x.holds(entry) || proposals.refusalAfter(x, current.trial(), told) != null) {
            return alone(entry, told, requestId); // held: planned again once the write under way ends
        }
        int number = x.reserveNumber();
        Map<String, Object> params;
        try {
            params = proposals.proposeOnce(x, number, x.historyFor(number).with(told), x.proposedFor(number));
        } catch (RuntimeException ex) {
            x.releaseNumber(number);
            return alone(entry, told, requestId); // the ask after the tell meets the strategy's failure
        }
        StoredTrial next = proposals.started(x, number, params, null, leaseId);
        return entry.answering(new Outcome(told, answer(x, entry, told, next, requestId, leaseId)));
    }

    /**
     * {@link #record} that does not wait for the write when the proposal is made outside the
     * monitor: the future answers once the tell and the next trial are committed and applied, and
     * completes on the thread that commits (chain nothing to it that writes). The other cases are
     * recorded at once, as {@code record} does.
     */
    CompletableFuture<Outcome> recordLater(LiveExperiment e, long trialId, TrialResult result, String toldBy, RequestKey requestId) {
        return recordLater(e, trialId, result, toldBy, requestId, null);
    }

    /**
     * {@link #recordLater(LiveExperiment, long, TrialResult, String, RequestKey)} on a thread that
     * must not wait, for an experiment that {@link #plansAtOnce} ({@link Journal#recordLater(LiveExperiment,
     * Function, Executor)}); null {@code waiting}: waits here.
     */
    CompletableFuture<Outcome> recordLater(LiveExperiment e, long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                           Executor waiting) {
        if (!plansAtOnce(e)) {
            try {
                return CompletableFuture.completedFuture(record(e, trialId, result, toldBy, requestId));
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
        Proposed proposed;
        try {
            proposed = proposeOutside(e, trialId, result, toldBy, result.leaseId() != null ? LeaseIds.next() : null);
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        return proposed == null ? CompletableFuture.completedFuture(null)
                : journal.recordLater(e, step(proposed, requestId), waiting).thenApply(o -> recorded(proposed, o));
    }

    /**
     * Whether a tell with next of {@code e} is planned outside the monitor and written without a
     * wait for it: not under {@code budget.parallel} (the next trial's place is decided with the
     * tell, in one step) nor on a journal other coordinators share (planned in its transaction).
     */
    boolean plansAtOnce(LiveExperiment e) {
        return !journal.shared() && e.spec().budget().parallel() == null;
    }

    /** The proposal made outside the monitor from the history with the told trial, written with the tell if that trial did not change meanwhile. */
    private Outcome proposedOutside(LiveExperiment e, long trialId, TrialResult result, String toldBy, RequestKey requestId,
                                    String leaseId) {
        Proposed proposed = proposeOutside(e, trialId, result, toldBy, leaseId);
        return proposed == null ? null : recorded(proposed, journal.record(e, step(proposed, requestId)));
    }

    /** The told trial and the next trial proposed outside the monitor; null when the tell cannot be planned so. */
    private Proposed proposeOutside(LiveExperiment e, long trialId, TrialResult result, String toldBy, String leaseId) {
        long start = System.nanoTime();
        StoredTrial current;
        Trial told;
        int number;
        List<Trial> history;
        Configurations.Seen proposed;
        synchronized (e) {
            try {
                if (e.deleted()) {
                    return null;
                }
                current = e.openTrial(trialId, result.leaseId());
                told = told(e, current, result, toldBy);
            } catch (RuntimeException refusedOrRetried) {
                return null;
            }
            if (e.holds(tell(current, told, null)) || proposals.refusalAfter(e, current.trial(), told) != null) {
                return null;
            }
            number = e.reserveNumber();
            history = e.historyFor(number).with(told);
            proposed = e.proposedFor(number);
        }
        Map<String, Object> params;
        try {
            params = proposals.propose(e, number, history, proposed, h -> h.with(told));
        } catch (RuntimeException ex) {
            e.releaseNumber(number);
            return null; // the tell is recorded alone, and the ask after it meets the strategy's failure
        }
        return new Proposed(e, current, told, number, proposals.started(e, number, params, null, leaseId), leaseId, start);
    }

    /** A tell and the next trial proposed outside the monitor, to be written as one step. */
    private record Proposed(LiveExperiment e, StoredTrial current, Trial told, int number, StoredTrial next, String leaseId,
                            long start) {
    }

    private Function<LiveExperiment, Journal.Planned<Outcome>> step(Proposed p, RequestKey requestId) {
        return x -> {
            if (x.trial(p.current().id()) != p.current()) {
                return Journal.Entry.nothing(null); // changed meanwhile (a heartbeat, another tell): told in two steps
            }
            Journal.Entry entry = changed(p.current(), p.told());
            return entry.answering(new Outcome(p.told(), answer(x, entry, p.told(), p.next(), requestId, p.leaseId())));
        };
    }

    /** After the step: the next trial is known by its id, or, when the step did nothing, its number is given back. */
    private Outcome recorded(Proposed p, Outcome outcome) {
        if (outcome == null) {
            p.e().releaseNumber(p.number());
            return null;
        }
        registry.registerTrial(p.next().id(), p.e());
        proposals.asked(p.start());
        return outcome;
    }

    /**
     * Adds the next trial to the entry, and the tell's answer with that trial's proposal beside it
     * under the tell's id (one stored answer for both: a retried tell answers the same next trial);
     * answers the proposal.
     */
    private TrialProposal answer(LiveExperiment x, Journal.Entry entry, Trial told, StoredTrial next, RequestKey requestId,
                                 String leaseId) {
        entry.add(next);
        var proposal = new TrialProposal(next.id(), next.trial().number(), next.trial().params(), leaseId,
                Races.nextRepetition(x.spec(), next.trial()));
        Requests.rememberTold(entry, requestId, told, proposal, clock.instant());
        return proposal;
    }
}
