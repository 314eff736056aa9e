package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.SharedDatabase;
import io.tunelab.server.storage.StoredTrial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The other coordinators on a {@link SharedDatabase}: every change of an experiment runs in one
 * transaction that holds the experiment's lock in the database, and first catches up on what
 * other coordinators wrote since this one last looked (trials, reports, the experiment's row and
 * finalization), so the strategy proposes from the same history whichever coordinator asks.
 * Notices from the other coordinators bring their changes to this one's live events; the
 * leader's lock picks the one coordinator that reaps leases.
 *
 * <p>On a database this process alone writes (H2) there are no peers: {@link #shared()} is
 * false and the {@link Journal} keeps its own, faster path. Thread-safe.
 */
final class Peers implements SharedSteps.Transaction {
    private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
    /** How long a notice waits before its catch-up, so that the notices meanwhile share it. */
    private static final long NOTICE_DELAY_MILLIS = 100;
    /** The last part of a notice that says the experiment was deleted (others carry its new revision). */
    private static final String DELETED = "deleted";

    private final SharedDatabase db;
    private final ExperimentRegistry registry;
    /** This coordinator's name in its notices, so it skips its own. */
    private final String self = UUID.randomUUID().toString().substring(0, 8);
    private final SharedSteps steps;
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    /** The newest revision another coordinator announced, by experiment. */
    private final Map<Long, Long> notified = new ConcurrentHashMap<>();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tunelab-peer-catch-up").daemon(true).factory());
    private Journal journal;
    private WorkSignal work;

    /** {@code db} is null when this process alone writes the database. */
    Peers(SharedDatabase db, ExperimentRegistry registry) {
        this.db = db;
        this.registry = registry;
        this.steps = db == null ? null : new SharedSteps(db, this);
    }

    boolean shared() {
        return db != null;
    }

    /** Starts listening to the other coordinators: their changes are caught up on, announced and wake the workers. */
    void listen(Journal journal, WorkSignal work) {
        this.journal = journal;
        this.work = work;
        if (db != null) {
            db.listen(this::noticed);
        }
    }

    /**
     * Runs a step of the journal under the experiment's lock in the database: catches up, plans,
     * writes, commits and only then applies to memory (in a batch with the steps of the same
     * experiment waiting meanwhile, see {@link SharedSteps}). Answers the plan, applied; the
     * trials caught up on land in {@code caughtUp}, for the journal to announce.
     */
    <T> Journal.Planned<T> record(LiveExperiment e, Function<LiveExperiment, Journal.Planned<T>> step, List<StoredTrial> caughtUp) {
        return steps.run(e, step, caughtUp);
    }

    @Override
    public long stamp(LiveExperiment e, SharedDatabase.Locked tx, Set<Long> touched) {
        long next = tx.revision() + 1;
        tx.stamp(next, touched, self + ":" + e.id() + ":" + next);
        return next;
    }

    /** Brings the experiment up to what the database holds; answers the trials that changed. */
    @Override
    public List<StoredTrial> catchUp(LiveExperiment e, SharedDatabase.Locked tx) {
        long seen = e.revision;
        if (tx.revision() == seen) {
            return List.of();
        }
        List<StoredTrial> changed = tx.trialsSince(seen);
        FinalizationRow finalization = tx.finalization().map(json -> Json.read(json, FinalizationRow.class)).orElse(null);
        ExperimentLabels labels = tx.labels().map(json -> Json.read(json, ExperimentLabels.class)).orElse(ExperimentLabels.none());
        String name = e.name();
        List<StoredTrial> added = e.catchUp(tx.experiment(), changed, finalization, labels, tx.revision());
        added.forEach(t -> registry.registerTrial(t.id(), e));
        if (!name.equals(e.name())) {
            registry.renamed(e, name); // renamed by another coordinator: the old name no longer finds it
        }
        return changed;
    }

    private void catchUpQuietly(LiveExperiment e) {
        try {
            catchUp(e);
            work.signal();
        } catch (TunelabException ex) {
            if (ex.code() != ErrorCode.NOT_FOUND || !forgetIfDeleted(e)) {
                LOG.warn("catching up with experiment {} failed: {}", e.id(), ex.getMessage());
            }
        } catch (RuntimeException ex) {
            LOG.warn("catching up with experiment {} failed: {}", e.id(), ex.getMessage());
        }
    }

    /**
     * Catches up on one experiment now, announcing what changed: from a snapshot, without the
     * experiment's lock in the database, since it only reads (the steps that write catch up
     * again under the lock).
     */
    void catchUp(LiveExperiment e) {
        journal.announceCaughtUp(e, steps.catchUp(e));
    }

    /**
     * The experiment's name in the database, which another coordinator may have changed; NOT_FOUND,
     * and forgotten here, when another coordinator deleted it. One query, without catching up.
     */
    String storedName(LiveExperiment e) {
        if (db == null) {
            return e.name();
        }
        return db.name(e.id()).orElseThrow(() -> {
            forgetIfDeleted(e);
            return TunelabException.of(ErrorCode.NOT_FOUND, "experiment \"" + e.name() + "\" was deleted",
                    Map.of("experiment", e.name()));
        });
    }

    /**
     * The experiment, caught up first when another coordinator changed it since this one last
     * looked; NOT_FOUND, and forgotten here, when another coordinator deleted it.
     */
    LiveExperiment fresh(LiveExperiment e) {
        if (db == null) {
            return e;
        }
        long stored = db.revision(e.id());
        if (stored < 0) {
            forgetIfDeleted(e);
            throw TunelabException.of(ErrorCode.NOT_FOUND, "experiment \"" + e.name() + "\" was deleted",
                    Map.of("experiment", e.name()));
        }
        if (stored != e.revision) {
            catchUp(e);
        }
        return e;
    }

    /** Forgets an experiment another coordinator deleted, announcing it to this one's browsers; false if it is still stored. */
    private boolean forgetIfDeleted(LiveExperiment e) {
        if (db.revision(e.id()) >= 0) {
            return false;
        }
        if (registry.byId(e.id()) == e) {
            registry.remove(e);
            journal.announceDeleted(e);
        }
        return true;
    }

    /** Tells the other coordinators that an experiment was deleted here, so they forget it at once. */
    void announceDeleted(long experimentId) {
        if (db != null) {
            db.notifyPeers(self + ":" + experimentId + ":" + DELETED);
        }
    }

    /**
     * Catches up with every experiment another coordinator changed or created, should a notice
     * have been missed: compares the stored revisions with those seen.
     */
    void refresh() {
        if (db == null) {
            return;
        }
        Map<Long, Long> stored = db.revisions();
        for (LiveExperiment e : registry.all()) {
            if (!stored.containsKey(e.id())) {
                forgetIfDeleted(e);
            }
        }
        for (var r : stored.entrySet()) {
            LiveExperiment e = registry.byId(r.getKey());
            if (e == null) {
                if (registry.wantsLoading(r.getKey(), r.getValue())) {
                    adopt(r.getKey());
                }
            } else if (e.revision != r.getValue()) {
                try {
                    catchUp(e);
                } catch (TunelabException ex) {
                    if (ex.code() != ErrorCode.NOT_FOUND || !forgetIfDeleted(e)) {
                        throw ex;
                    }
                }
            }
        }
    }

    /** Catches up quietly (the scheduled refresh): a failure is logged, the next run tries again. */
    void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException ex) {
            LOG.warn("catching up with the other coordinators failed: {}", ex.getMessage());
        }
    }

    /** Whether this coordinator runs the lease reaper: always alone, the leader among several. */
    boolean leads() {
        return db == null || db.leads();
    }

    /** Registers an experiment another coordinator created (its trials come with the first catch-up); null if not stored. */
    LiveExperiment adopt(long experimentId) {
        LiveExperiment known = registry.byId(experimentId);
        if (known != null || db == null) {
            return known;
        }
        return db.experiment(experimentId).map(row -> {
            LiveExperiment e = registry.adopt(row);
            catchUp(e);
            work.signal();
            return e;
        }).orElse(null);
    }

    /** The experiment of a trial another coordinator created, caught up so that it knows the trial; null if none. */
    LiveExperiment ownerOf(long trialId) {
        if (db == null) {
            return null;
        }
        var experimentId = db.experimentOfTrial(trialId);
        if (experimentId.isEmpty()) {
            return null;
        }
        LiveExperiment e = adopt(experimentId.getAsLong());
        if (e != null) {
            catchUp(e);
        }
        return e;
    }

    /** A new trial id: the database's when shared. */
    long nextTrialId() {
        return db.nextTrialId();
    }

    long nextExperimentId() {
        return db.nextExperimentId();
    }

    /** Tells the other coordinators that an experiment changed outside a locked step (it was created). */
    void announce(long experimentId) {
        if (db != null) {
            db.notifyPeers(self + ":" + experimentId + ":0");
        }
    }

    private void noticed(String payload) {
        try {
            if (payload.isEmpty()) {
                refresh();
                return;
            }
            String[] parts = payload.split(":");
            if (parts.length != 3 || parts[0].equals(self)) {
                return;
            }
            long id = Long.parseLong(parts[1]);
            LiveExperiment e = registry.byId(id);
            if (parts[2].equals(DELETED)) {
                if (e != null) {
                    forgetIfDeleted(e);
                }
            } else if (e == null) {
                if (registry.wantsLoading(id, Long.parseLong(parts[2]))) {
                    adopt(id);
                }
            } else {
                long revision = Long.parseLong(parts[2]);
                notified.merge(id, revision, Math::max);
                if (e.revision < revision && pending.add(id)) {
                    // Under load notices come faster than catching up pays: one catch-up a moment
                    // later covers every notice of the experiment until then, unless a step here
                    // caught up meanwhile.
                    later.schedule(() -> {
                        pending.remove(id);
                        if (e.revision < notified.get(id)) {
                            catchUpQuietly(e);
                        }
                    }, NOTICE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException ex) {
            LOG.warn("a notice from another coordinator ({}) could not be followed: {}", LogText.of(payload), ex.getMessage());
        }
    }
}
