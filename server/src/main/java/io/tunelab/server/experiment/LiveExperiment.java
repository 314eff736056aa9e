package io.tunelab.server.experiment;

import com.carrotsearch.hppc.LongIntHashMap;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.pruner.Pruner;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.Configurations;
import io.tunelab.server.strategy.ProposedConfigurations;
import io.tunelab.server.strategy.TrialHistory;
import io.tunelab.server.strategy.SearchStrategy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory state of one experiment: its row, its trials in number order, counts by state
 * and the best trial, plus the strategy and pruner built from its spec.
 *
 * <p>Locking: every method is {@code synchronized} on this object, so each call alone sees
 * and leaves a consistent state. A decision that reads several of them holds the monitor
 * across (the {@link Journal} does while it plans a step); nobody holds it while waiting for
 * storage or a strategy. Memory changes only through {@link #apply}, after the write of what
 * it applies returned.
 */
final class LiveExperiment {
    private final long id;
    /** The row's name, readable without the monitor; it changes only when the experiment is renamed. */
    private volatile String name;
    private StoredExperiment row;
    /** The space the strategy found every configuration of proposed, and its words; null until it does. */
    private io.tunelab.api.SearchSpace exhaustedSpace;
    private String exhausted;
    private final SearchStrategy strategy;
    private final Pruner pruner;
    private final List<StoredTrial> trials = new ArrayList<>();
    /** The trials of {@link #trials} alone, kept with it: an ask copies them in one pass, with no unwrapping. */
    private final TrialHistory history = new TrialHistory();
    /** Each trial's index in {@link #trials}, by trial id; primitives, so a kept trial costs no node or boxed key here. */
    private final LongIntHashMap indexById = new LongIntHashMap();
    /** The trials' configurations as a set, kept with {@link #trials}: the no-repeat check asks it. */
    private final ProposedConfigurations proposed = new ProposedConfigurations();
    private final EnumMap<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
    /** Trial numbers handed out whose trials are not stored yet, and what was proposed for them. */
    private final ReservedNumbers reserved = new ReservedNumbers();
    /** Trials imported from elsewhere ({@link TrialImports}): history the strategy learns from, outside {@code budget.trials}. */
    private int imported;
    private Trial best;
    /** When a trial of the experiment last changed: the summary's "updated" moves with trial activity. */
    private Instant lastActivity;
    /** Sorted and filtered trial lists by query, kept current as trials change; the most recent few. */
    private final ViewCache views = new ViewCache();
    /** The rows whose write is under way: held until applied or abandoned. */
    private final WriteHolds holds = new WriteHolds();
    /** The refit of the winner and its test score, once asked for. */
    private FinalizationRow finalization;
    /** Tags, notes and the archived flag. */
    private io.tunelab.api.ExperimentLabels labels = io.tunelab.api.ExperimentLabels.none();
    /** Set once the experiment's delete is written: no step may plan on it any more. */
    private boolean deleted;
    /** On a shared database, the experiment's revision this memory shows; -1 before the first catch-up. */
    volatile long revision;
    /** On a database this process alone writes: whether the next write raises the revision (see {@link Journal#record}). */
    boolean raisesRevision = true;
    /** Counts what this memory took in (written entries, catch-ups), so a stored summary can be told from a stale one. */
    private long changes;
    /** {@link #changes} when the catalog summary of this memory was last stored; -1 before. */
    private long summaryStoredAt = -1;

    LiveExperiment(StoredExperiment row, SearchStrategy strategy, Pruner pruner) {
        this.id = row.id();
        this.name = row.name();
        this.row = row;
        this.strategy = strategy;
        this.pruner = pruner;
    }

    /** Builds the state of a stored experiment and its stored trials (in any order). */
    static LiveExperiment of(StoredExperiment row, SearchStrategy strategy, Pruner pruner, List<StoredTrial> stored,
                             FinalizationRow finalization) {
        var e = new LiveExperiment(row, strategy, pruner);
        stored.forEach(e::add);
        e.finalization = finalization;
        return e;
    }

    synchronized io.tunelab.api.ExperimentLabels labels() {
        return labels;
    }

    /** Sets the labels read from storage at load. */
    synchronized void loadLabels(io.tunelab.api.ExperimentLabels stored) {
        labels = stored;
    }

    synchronized boolean deleted() {
        return deleted;
    }

    synchronized FinalizationRow finalization() {
        return finalization;
    }

    /** The finalization of a trial, or null when the trial is not the one finalized. */
    synchronized io.tunelab.api.Finalization finalizationOf(long trialId) {
        return finalization != null && finalization.finalization().trialId() == trialId ? finalization.finalization() : null;
    }

    long id() {
        return id;
    }

    String name() {
        return name;
    }

    synchronized StoredExperiment row() {
        return row;
    }

    synchronized ExperimentSpec spec() {
        return row.spec();
    }

    SearchStrategy strategy() {
        return strategy;
    }

    Pruner pruner() {
        return pruner;
    }

    synchronized boolean isRunning() {
        return row.state() == ExperimentState.RUNNING;
    }

    /** How many trials the experiment has, counting those whose numbers are reserved. */
    synchronized int trialCount() {
        return trials.size() + reserved.count();
    }

    /** How many trials count toward {@code budget.trials}: all but the imported ones. */
    synchronized int budgetedCount() {
        return trialCount() - imported;
    }

    /** Reserves the next trial number; the entry that adds its trial (or abandons it) ends the reservation. */
    synchronized int reserveNumber() {
        return reserved.reserve();
    }

    /** Gives back a reserved number whose trial will not be added ({@link ReservedNumbers#release}). */
    synchronized void releaseNumber(int number) {
        reserved.release(number);
        notifyAll();
    }

    synchronized int inFlight() {
        return reserved.count();
    }

    /**
     * Records that {@code params} were proposed for the reserved {@code number} ({@link ReservedNumbers});
     * nothing to do when {@link #claim} recorded them.
     */
    synchronized void proposed(int number, Map<String, Object> params, Instant at) {
        if (!reserved.recorded(number, params)) {
            reserved.proposed(number, params, Configurations.key(params), at);
        }
    }

    /**
     * Records {@code params} as proposed for the reserved {@code number} unless a trial stored
     * since the configurations {@code seen} or another reserved number's proposal has them
     * (answers false then); with {@code anyway}, records them whatever the others hold.
     */
    synchronized boolean claim(int number, Configurations.Seen seen, Map<String, Object> params, Instant at, boolean anyway) {
        String key = Configurations.key(params);
        if (!anyway && (reserved.proposedElsewhere(number, key) || proposed.contains(params) && !seen.contains(params))) {
            return false;
        }
        reserved.proposed(number, params, key, at);
        return true;
    }

    /**
     * The history a proposal for the reserved {@code number} starts from: {@link #history()} with
     * the proposals for the other reserved numbers as RUNNING trials ({@link ReservedNumbers#withProposed}).
     */
    synchronized TrialHistory.Snapshot historyFor(int number) {
        return reserved.withProposed(history.snapshot(), number, id);
    }

    synchronized StoredTrial trial(long trialId) {
        int i = indexById.getOrDefault(trialId, -1);
        return i < 0 ? null : trials.get(i);
    }

    /**
     * The trial, still open to the holder of {@code leaseId}: not finished, and leased to
     * that lease (or to none when {@code leaseId} is null).
     */
    synchronized StoredTrial openTrial(long trialId, String leaseId) {
        return Transitions.requireOpen(trial(trialId), leaseId);
    }

    /** The unfinished trial leased under {@code leaseId}, if this experiment has one. */
    synchronized java.util.Optional<StoredTrial> leasedUnder(String leaseId) {
        return trials.stream().filter(t -> leaseId.equals(t.leaseId()) && !t.trial().state().isFinished()).findFirst();
    }

    /** A copy of the stored trials in number order. */
    synchronized List<StoredTrial> storedTrials() {
        return List.copyOf(trials);
    }

    /** The trials in number order, an immutable snapshot that shares what did not change since the last ({@link TrialHistory}). */
    synchronized TrialHistory.Snapshot history() {
        return history.snapshot();
    }

    /** The configurations of {@link #history()} as a set; take both in one hold of the monitor to match. */
    synchronized Configurations.Seen proposed() {
        return proposed.snapshot();
    }

    /** The configurations of {@link #historyFor} as a set; take both in one hold of the monitor to match. */
    synchronized Configurations.Seen proposedFor(int number) {
        return reserved.seen(proposed.snapshot(), number);
    }

    /** The trials in a state, in number order. */
    synchronized List<Trial> trialsIn(TrialState state) {
        var out = new ArrayList<Trial>(counts.getOrDefault(state, 0));
        for (StoredTrial t : trials) {
            if (t.trial().state() == state) {
                out.add(t.trial());
            }
        }
        return out;
    }

    synchronized int count(TrialState state) {
        return counts.getOrDefault(state, 0);
    }

    /** Trials that are not finished: running or waiting for a worker. */
    synchronized int active() {
        return count(TrialState.RUNNING) + count(TrialState.WAITING);
    }

    /** A page of the query's view, built on first use and kept current after. */
    synchronized TrialPage page(TrialQuery query) {
        return views.page(query, history.snapshot(), row.spec());
    }

    /** Whether the query's view is built (for tests of {@link ExperimentQueries#prepare()}). */
    synchronized boolean hasView(TrialQuery query) {
        return views.has(query);
    }

    synchronized ExperimentSummary summary() {
        return Summaries.of(row, counts, best, lastActivity, labels, imported);
    }

    /** Whether this memory changed since its catalog summary was last stored ({@link #summaryStored}), or none was. */
    synchronized boolean changedSinceSummaryStored() {
        return changes != summaryStoredAt;
    }

    /** Marks the catalog summary of this memory as stored; the caller made it under this same monitor. */
    synchronized void summaryStored() {
        summaryStoredAt = changes;
    }

    /**
     * Whether the database holds all of this memory, and nobody needs it held: no write under way,
     * no trial number reserved, no trial under a lease ({@link LoadedExperiments} evicts only these).
     */
    synchronized boolean settled() {
        if (!holds.none() || reserved.count() > 0) {
            return false;
        }
        return count(TrialState.RUNNING) == 0 || trials.stream().noneMatch(t -> t.leaseId() != null);
    }

    synchronized Experiment experiment() {
        return new Experiment(row.id(), row.name(), row.state(), row.spec(), row.seed(), summary(), row.createdBy(), row.updatedBy());
    }

    /**
     * Why the budget allows no new trial at {@code now}, or null when it allows one: the trials or
     * time it grants are spent, or the strategy found every configuration of the space proposed.
     */
    synchronized String budgetSpent(Instant now) {
        String spent = Budgets.spent(row, budgetedCount(), now);
        return spent != null ? spent : exhausted();
    }

    /** Records that the strategy found every configuration of the current space proposed ({@code why}, its words). */
    synchronized void exhausted(String why) {
        exhaustedSpace = row.spec().space();
        exhausted = why;
    }

    /** Why no configuration is left to propose in the current space, or null: a space widened since is not. */
    synchronized String exhausted() {
        return exhausted != null && row.spec().space().equals(exhaustedSpace) ? exhausted : null;
    }

    /** Whether a RUNNING experiment has spent its budget with no trial active or on its way. */
    synchronized boolean isDone(Instant now) {
        return isRunning() && reserved.count() == 0 && active() == 0 && budgetSpent(now) != null;
    }

    // ------------------------------------------------------------------ the journal's side

    /** Takes in what other coordinators stored since {@link #revision}; answers the trials new here. */
    synchronized List<StoredTrial> catchUp(StoredExperiment stored, List<StoredTrial> changed, FinalizationRow storedFinalization,
                                           io.tunelab.api.ExperimentLabels storedLabels, long revision) {
        changes++;
        row = stored;
        name = stored.name();
        finalization = storedFinalization;
        labels = storedLabels;
        this.revision = revision;
        var added = new ArrayList<StoredTrial>();
        for (StoredTrial t : changed) {
            if (indexById.containsKey(t.id())) {
                replace(t);
            } else {
                add(t);
                added.add(t);
            }
        }
        return added;
    }

    /** Whether a row the entry changes is held by another entry's write. */
    synchronized boolean holds(Journal.Entry entry) {
        return holds.blocks(entry);
    }

    synchronized void hold(Journal.Entry entry) {
        holds.hold(entry);
    }

    /** Applies a written entry to memory and lets steps waiting on its rows go on. */
    synchronized void apply(Journal.Entry entry) {
        if (!entry.isEmpty()) {
            changes++;
        }
        if (entry.experiment != null) {
            row = entry.experiment;
            name = row.name();
        }
        if (entry.finalization != null) {
            finalization = entry.finalization;
        }
        if (entry.labels != null) {
            labels = entry.labels;
        }
        deleted |= entry.deletes;
        for (StoredTrial t : entry.added) {
            reserved.end(t.trial().number());
            add(t);
        }
        entry.replaced.forEach(this::replace);
        release(entry);
    }

    /** Forgets an entry whose write failed (or never started): memory stays as it was. */
    synchronized void abandon(Journal.Entry entry, boolean held) {
        entry.added.reversed().forEach(t -> releaseNumber(t.trial().number())); // last first: an import's numbers all come back
        if (held) {
            release(entry);
        }
        notifyAll();
    }

    private void release(Journal.Entry entry) {
        holds.release(entry);
        notifyAll();
    }

    /** Adds a stored trial at its place in number order. */
    private void add(StoredTrial t) {
        int i = trials.size();
        while (i > 0 && trials.get(i - 1).trial().number() > t.trial().number()) {
            i--;
        }
        trials.add(i, t);
        history.add(i, t.trial());
        reserved.stored(t.trial().number());
        // Concurrent asks store their trials slightly out of order; only the few trials after
        // the insertion point move.
        for (int k = i; k < trials.size(); k++) {
            indexById.put(trials.get(k).id(), k);
        }
        proposed.add(t.trial().params());
        imported += TrialImports.isImported(t.trial()) ? 1 : 0;
        counts.merge(t.trial().state(), 1, Integer::sum);
        considerBest(t.trial());
        touch(t.trial());
        views.update(null, t.trial());
    }

    /** Replaces a trial's row, keeping counts, views and the best trial current. */
    private void replace(StoredTrial t) {
        int i = indexById.getOrDefault(t.id(), -1);
        if (i < 0) {
            throw new IllegalStateException("trial " + t.id() + " is not one of experiment " + id + "'s in memory");
        }
        Trial before = trials.get(i).trial();
        trials.set(i, t);
        history.set(i, t.trial());
        if (before != t.trial()) {
            views.update(before, t.trial());
        }
        if (before.params() != t.trial().params()) {
            proposed.change(before.params(), t.trial().params());
        }
        counts.merge(before.state(), -1, Integer::sum);
        counts.merge(t.trial().state(), 1, Integer::sum);
        considerBest(t.trial());
        touch(t.trial());
    }

    private void touch(Trial t) {
        for (Instant i : new Instant[]{t.created(), t.started(), t.finished()}) {
            if (i != null && (lastActivity == null || i.isAfter(lastActivity))) {
                lastActivity = i;
            }
        }
    }

    private void considerBest(Trial t) {
        best = Summaries.better(row.spec(), best, t);
    }
}
