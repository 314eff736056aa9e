package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Json;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * How every change of an experiment happens: plan it from the live state, write it durably,
 * then change memory, then announce it. A failed write changes nothing in memory, so what
 * callers see is always what survives a restart.
 *
 * <p>Planning runs under the experiment's monitor; the write runs outside it, so one slow
 * disk write does not hold up the experiment's other trials. While an entry is being written,
 * the rows it changes are held: a step that would change one of them waits and plans again
 * once the write is applied or abandoned. Thread-safe.
 */
final class Journal {
    private final Storage storage;
    private final Events events;
    private final LongConsumer changed;
    private final Peers peers;

    /**
     * Announces on {@code events}, building what it publishes only while someone listens, and
     * tells {@code changed} the id of every experiment it announces, listened to or not.
     */
    Journal(Storage storage, Events events, LongConsumer changed, Peers peers) {
        this.storage = storage;
        this.events = events;
        this.changed = changed;
        this.peers = peers;
    }

    /** Whether other coordinators write the same database: then a step plans inside its transaction. */
    boolean shared() {
        return peers.shared();
    }

    /** A step's plan: what it changes and what it answers. */
    record Planned<T>(Entry entry, T result) {
    }

    /**
     * Plans with {@code step} under the experiment's monitor (it reads the experiment and
     * throws to refuse), writes the plan's entry, applies it to memory and announces it.
     */
    <T> T record(LiveExperiment e, Function<LiveExperiment, Planned<T>> step) {
        if (peers.shared()) {
            return recordShared(e, step);
        }
        Held<T> held = hold(e, step);
        if (!held.entry().isEmpty()) {
            try {
                storage.write(held::write);
            } catch (RuntimeException ex) {
                held.abandon();
                throw ex;
            }
        }
        return held.applied();
    }

    /**
     * {@link #record} that plans at once but does not wait for the write: the future answers the
     * step's result once its entry is written, applied and announced, or fails with what
     * {@code record} would throw (a refusal at once). It may complete on the thread that commits,
     * which then applies the entry: chain nothing to it that writes, or chain it with an executor.
     */
    <T> CompletableFuture<T> recordLater(LiveExperiment e, Function<LiveExperiment, Planned<T>> step) {
        return recordLater(e, step, null);
    }

    /**
     * {@link #recordLater(LiveExperiment, Function)} for a caller that must not wait at all (an
     * event loop): where a write under way holds a row the step changes, the step is planned again
     * on {@code waiting}, which may wait for it, instead of here. Null {@code waiting}: waits here.
     * The journal is not shared (a shared step plans inside its transaction, a wait for the database).
     */
    <T> CompletableFuture<T> recordLater(LiveExperiment e, Function<LiveExperiment, Planned<T>> step, Executor waiting) {
        Held<T> held;
        try {
            if (peers.shared()) {
                return CompletableFuture.completedFuture(recordShared(e, step));
            }
            held = hold(e, step, waiting == null);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        if (held == null) {
            return CompletableFuture.supplyAsync(() -> recordLater(e, step), waiting).thenCompose(written -> written);
        }
        if (held.entry().isEmpty()) {
            return CompletableFuture.completedFuture(held.applied());
        }
        return storage.writeLater(held::write).handle((written, failure) -> {
            if (failure != null) {
                held.abandon();
                throw failure instanceof CompletionException c && c.getCause() != null ? c : new CompletionException(failure);
            }
            return held.applied();
        });
    }

    /** Plans the step under the experiment's monitor, waiting while a write under way holds a row it changes, and holds its rows. */
    private <T> Held<T> hold(LiveExperiment e, Function<LiveExperiment, Planned<T>> step) {
        return hold(e, step, true);
    }

    /** {@link #hold(LiveExperiment, Function)}; without {@code mayWait}, null instead of a wait, having held and released nothing. */
    private <T> Held<T> hold(LiveExperiment e, Function<LiveExperiment, Planned<T>> step, boolean mayWait) {
        Planned<T> planned;
        synchronized (e) {
            while (true) {
                if (e.deleted()) {
                    throw TunelabException.of(ErrorCode.NOT_FOUND, "experiment \"" + e.name() + "\" was deleted",
                            java.util.Map.of("experiment", e.name()));
                }
                planned = step.apply(e);
                if (!e.holds(planned.entry())) {
                    break;
                }
                if (!mayWait) {
                    return null; // planned again where it may wait, as the loop would plan it again here
                }
                try {
                    e.wait();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    e.abandon(planned.entry(), false);
                    throw new IllegalStateException("interrupted while waiting for a write of experiment " + e.id(), ex);
                }
            }
            e.hold(planned.entry());
            // The first write after the experiment was loaded, or after its catalog summary was
            // stored, raises its revision: a summary stored before it is then never taken for current.
            return new Held<>(e, planned, e.raisesRevision && !planned.entry().isEmpty());
        }
    }

    /** A planned step whose rows are held until its entry is applied (once written) or abandoned (its write failed). */
    private final class Held<T> {
        private final LiveExperiment e;
        private final Planned<T> planned;
        private final boolean raise;

        Held(LiveExperiment e, Planned<T> planned, boolean raise) {
            this.e = e;
            this.planned = planned;
            this.raise = raise;
        }

        Entry entry() {
            return planned.entry();
        }

        void write(Storage.Changes c) {
            entry().writes.forEach(w -> w.accept(c));
            if (raise) {
                c.raiseRevision(e.id());
            }
        }

        void abandon() {
            synchronized (e) {
                e.abandon(entry(), true);
            }
        }

        T applied() {
            synchronized (e) {
                e.apply(entry());
                if (raise) {
                    e.raisesRevision = false;
                }
            }
            announce(e, entry());
            return planned.result();
        }
    }

    /**
     * The step on a database other coordinators write too: it plans, under the experiment's lock
     * in the database, from what every coordinator wrote, then writes and commits (see {@link Peers}).
     */
    private <T> T recordShared(LiveExperiment e, Function<LiveExperiment, Planned<T>> step) {
        var caughtUp = new ArrayList<StoredTrial>();
        Planned<T> planned;
        try {
            planned = peers.record(e, step, caughtUp);
        } finally {
            announceCaughtUp(e, caughtUp);
        }
        announce(e, planned.entry());
        return planned.result();
    }

    /** Announces the trials a catch-up brought from other coordinators, and the experiment's summary, if any came. */
    void announceCaughtUp(LiveExperiment e, List<StoredTrial> caughtUp) {
        if (!caughtUp.isEmpty()) {
            if (events.listened()) {
                caughtUp.forEach(t -> events.publish("trial", Transitions.withoutReports(e.trial(t.id()).trial())));
            }
            announce(e);
        }
    }

    /** Writes a new experiment's row; the caller registers it in memory only after this returns. */
    void insert(StoredExperiment row) {
        storage.write(c -> c.insert(row));
    }

    /** Writes a new experiment's row with the trials it starts with (a warm start's), in one write. */
    void insert(StoredExperiment row, List<StoredTrial> trials) {
        storage.write(c -> {
            c.insert(row);
            trials.forEach(c::insert);
        });
    }

    /** Announces the experiment's summary as it is now. */
    void announce(LiveExperiment e) {
        changed.accept(e.id());
        if (events.listened()) {
            ExperimentSummary s = e.summary();
            events.publish("experiment", s);
        }
    }

    /** Announces that the experiment is gone, with its id and last name. */
    void announceDeleted(LiveExperiment e) {
        events.publish("experiment-deleted", java.util.Map.of("id", e.id(), "name", e.name()));
    }

    /** Announces a delete made here, to this coordinator's browsers and to the other coordinators, which forget it. */
    void deleted(LiveExperiment e) {
        announceDeleted(e);
        peers.announceDeleted(e.id());
    }

    private void announce(LiveExperiment e, Entry entry) {
        if (events.listened()) {
            for (Trial t : entry.announced) {
                events.publish("trial", Transitions.withoutReports(t));
            }
        }
        if (!entry.announced.isEmpty() || entry.experiment != null || entry.announceExperiment) {
            announce(e);
        }
    }

    /**
     * The rows one step changes and how each is written. Trials it adds must have had their
     * numbers reserved ({@link LiveExperiment#reserveNumber()}); applying or abandoning the
     * entry gives the reservation back.
     */
    static final class Entry {
        StoredExperiment experiment;
        FinalizationRow finalization;
        ExperimentLabels labels;
        boolean deletes;
        final List<StoredTrial> added = new ArrayList<>();
        final List<StoredTrial> replaced = new ArrayList<>();
        final List<Consumer<Storage.Changes>> writes = new ArrayList<>();
        private final List<Trial> announced = new ArrayList<>();
        private boolean announceExperiment;
        /** The tell's answer kept in a trial's row this entry replaces ({@link #toldUnder}); null for none. */
        private ToldAnswer told;

        static Entry none() {
            return new Entry();
        }

        static <T> Planned<T> nothing(T result) {
            return new Planned<>(none(), result);
        }

        <T> Planned<T> answering(T result) {
            return new Planned<>(this, result);
        }

        /** Writes the experiment's row (even unchanged) and sets it in memory. */
        Entry experiment(StoredExperiment row) {
            experiment = row;
            writes.add(c -> c.update(row));
            return this;
        }

        Entry add(StoredTrial t) {
            added.add(t);
            announced.add(t.trial());
            writes.add(c -> c.insert(t));
            return this;
        }

        /**
         * Writes a trial's row; the trial is announced when it changed (a heartbeat changes only
         * the lease). A trial that starts over (its reports dropped, as when its lease expired)
         * loses its stored reports in the same write, so a restart shows what memory showed.
         */
        Entry replace(StoredTrial before, StoredTrial after) {
            replaced.add(after);
            if (before.trial() != after.trial()) {
                announced.add(after.trial());
            }
            // The tell's answer, when one is kept in this row, is known only once the step is planned.
            writes.add(c -> {
                if (told != null && told.trialId() == after.id()) {
                    c.update(after, told.requestId(), told.answer());
                } else {
                    c.update(after);
                }
            });
            if (!before.trial().reports().isEmpty() && after.trial().reports().isEmpty()) {
                writes.add(c -> c.deleteReports(after.id()));
            }
            return this;
        }

        /**
         * Keeps a tell's answer ({@code answer}, JSON) under its request id in the row of the trial
         * it told, which this entry replaces: written in the same statement as the row.
         */
        Entry toldUnder(long trialId, String requestId, String answer) {
            if (replaced.stream().noneMatch(t -> t.id() == trialId)) {
                throw new IllegalStateException("trial " + trialId + " is not written by this step; its tell's answer has no row");
            }
            told = new ToldAnswer(trialId, requestId, answer);
            return this;
        }

        /** A tell's request id and answer (JSON), kept in the row of trial {@code trialId}. */
        private record ToldAnswer(long trialId, String requestId, String answer) {
        }

        /** Adds a report: written as the report alone, the trial in memory gets it among its reports. */
        Entry report(StoredTrial after, Report report) {
            replaced.add(after);
            announced.add(after.trial());
            writes.add(c -> c.insertReport(after.id(), report));
            return this;
        }

        /** Writes the experiment's finalization and sets it in memory; announces the experiment. */
        Entry finalization(long experimentId, FinalizationRow row) {
            finalization = row;
            announceExperiment = true;
            String json = Json.write(row);
            writes.add(c -> c.putFinalization(experimentId, json));
            return this;
        }

        /** Writes the experiment's labels and sets them in memory; announces the experiment. */
        Entry labels(long experimentId, ExperimentLabels labels) {
            this.labels = labels;
            announceExperiment = true;
            String json = Json.write(labels);
            writes.add(c -> c.putLabels(experimentId, json));
            return this;
        }

        /** Deletes the experiment with everything of it; once applied, no step may plan on it. */
        Entry deleting(long experimentId) {
            deletes = true;
            writes.add(c -> c.deleteExperiment(experimentId));
            return this;
        }

        /** A write that changes nothing the coordinator keeps in memory (models, data reports). */
        Entry write(Consumer<Storage.Changes> write) {
            writes.add(write);
            return this;
        }

        /** Announces the experiment's summary even when its row does not change. */
        Entry announcingExperiment() {
            announceExperiment = true;
            return this;
        }

        boolean isEmpty() {
            return writes.isEmpty();
        }
    }
}
