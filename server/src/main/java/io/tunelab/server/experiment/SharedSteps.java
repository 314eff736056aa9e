package io.tunelab.server.experiment;

import io.tunelab.server.storage.SharedDatabase;
import io.tunelab.server.storage.StoredTrial;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The journal's steps on a {@link SharedDatabase}, run in transactions that hold the experiment's
 * lock in the database: the steps of one experiment that wait at the same time share one
 * transaction (one lock, one catch-up, one commit and its flush), as the embedded database's
 * writes share a group commit. Within a batch each step is planned from memory with the rows of
 * the steps before it held, so a step that would change one of them waits for the next batch;
 * a batch whose transaction fails is run again one step at a time, so that one bad step fails
 * only its own caller. Memory changes only after the commit. Thread-safe.
 */
final class SharedSteps {
    private static final int MAX_BATCH = 64;

    /** A step waiting for its experiment's next transaction, and, once done, its plan or failure. */
    private static final class Pending {
        final Function<LiveExperiment, ? extends Journal.Planned<?>> step;
        final List<StoredTrial> caughtUp;
        Journal.Planned<?> planned;
        RuntimeException failure;
        volatile boolean done;

        Pending(Function<LiveExperiment, ? extends Journal.Planned<?>> step, List<StoredTrial> caughtUp) {
            this.step = step;
            this.caughtUp = caughtUp;
        }
    }

    /** What a batch's transaction does besides the steps' own writes: catching up first, stamping and notifying last. */
    interface Transaction {
        /** Catches the experiment up on what the database holds; answers the trials that changed. */
        List<StoredTrial> catchUp(LiveExperiment e, SharedDatabase.Locked tx);

        /** Marks the touched trials with the new revision and tells the other coordinators; answers the revision. */
        long stamp(LiveExperiment e, SharedDatabase.Locked tx, Set<Long> touched);
    }

    private final SharedDatabase db;
    private final Transaction transaction;
    private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<Long, Queue<Pending>> queues = new ConcurrentHashMap<>();
    /** The experiments another coordinator changed between this one's last two turns at them. */
    private final Set<Long> contended = ConcurrentHashMap.newKeySet();

    SharedSteps(SharedDatabase db, Transaction transaction) {
        this.db = db;
        this.transaction = transaction;
    }

    /** Runs {@code step} in the experiment's next transaction; answers its plan, applied to memory after the commit. */
    @SuppressWarnings("unchecked")
    <T> Journal.Planned<T> run(LiveExperiment e, Function<LiveExperiment, Journal.Planned<T>> step, List<StoredTrial> caughtUp) {
        var mine = new Pending(step, caughtUp);
        Queue<Pending> queue = queues.computeIfAbsent(e.id(), id -> new ConcurrentLinkedQueue<>());
        queue.add(mine);
        ReentrantLock lock = lockOf(e);
        lock.lock();
        try {
            while (!mine.done) {
                var batch = new ArrayList<Pending>();
                if (!runTogether(e, batch, queue) && batch.size() > 1) {
                    for (Pending one : batch) {
                        if (!one.done) {
                            runTogether(e, new ArrayList<>(List.of(one)), null);
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return (Journal.Planned<T>) mine.planned;
    }

    /**
     * Catches the experiment up on what the database holds without its lock in the database (a
     * snapshot: other coordinators' steps go on meanwhile), between this coordinator's own steps
     * of it; answers the trials that changed.
     */
    List<StoredTrial> catchUp(LiveExperiment e) {
        ReentrantLock lock = lockOf(e);
        lock.lock();
        try {
            return db.snapshot(e.id(), tx -> transaction.catchUp(e, tx));
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockOf(LiveExperiment e) {
        return locks.computeIfAbsent(e.id(), id -> new ReentrantLock());
    }

    /**
     * Runs a batch in one transaction; false when the transaction failed (nothing of it reached
     * memory; a batch of one has its failure). With a {@code source}, the batch is every step
     * waiting there once the experiment's lock is held (up to {@link #MAX_BATCH}), so the steps
     * that arrived while another coordinator held it share this turn; steps whose rows an earlier
     * step holds go back to {@code source} for the next batch. Without one, {@code batch} is
     * given and its steps cannot be held (they run alone).
     */
    private boolean runTogether(LiveExperiment e, List<Pending> batch, Queue<Pending> source) {
        var planned = new ArrayList<Pending>();
        var held = new ArrayList<Pending>();
        var refused = new ArrayList<Pending>();
        long[] revision = {-1};
        try {
            // Reads what other coordinators changed with the lock when they changed it at the last turn too.
            db.locked(e.id(), contended.contains(e.id()) ? e.revision : SharedDatabase.NOTHING_SEEN, tx -> {
                undo(e, planned); // a transaction run again on a new connection plans from the start
                held.clear();
                refused.clear();
                revision[0] = -1;
                if (source != null) {
                    drain(source, batch);
                }
                if (batch.isEmpty()) {
                    return null;
                }
                if (tx.revision() != e.revision) {
                    contended.add(e.id());
                } else {
                    contended.remove(e.id());
                }
                batch.getFirst().caughtUp.addAll(transaction.catchUp(e, tx));
                var touched = new HashSet<Long>();
                boolean writes = false;
                for (Pending p : batch) {
                    Journal.Entry entry;
                    synchronized (e) {
                        try {
                            p.failure = null;
                            p.planned = p.step.apply(e);
                        } catch (RuntimeException ex) {
                            p.failure = ex;
                            refused.add(p);
                            continue;
                        }
                        entry = p.planned.entry();
                        if (source != null && e.holds(entry)) {
                            e.abandon(entry, false);
                            p.planned = null;
                            held.add(p);
                            continue;
                        }
                        e.hold(entry);
                        planned.add(p);
                    }
                    if (!entry.isEmpty()) {
                        entry.writes.forEach(w -> w.accept(tx.changes()));
                        entry.added.forEach(t -> touched.add(t.id()));
                        entry.replaced.forEach(t -> touched.add(t.id()));
                        writes = true;
                    }
                }
                if (writes) {
                    revision[0] = transaction.stamp(e, tx, touched);
                }
                return null;
            });
        } catch (RuntimeException ex) {
            undo(e, planned);
            if (batch.isEmpty() && source != null) {
                drain(source, batch); // failed before the lock: these steps fail or run alone now
            }
            if (batch.size() == 1) {
                batch.getFirst().failure = ex;
                batch.getFirst().done = true;
            }
            return false;
        }
        synchronized (e) {
            for (Pending p : planned) {
                e.apply(p.planned.entry());
                p.done = true;
            }
            if (revision[0] >= 0) {
                e.revision = revision[0];
            }
        }
        refused.forEach(p -> p.done = true);
        if (source != null) {
            source.addAll(held); // none without a source
        }
        return true;
    }

    private static void drain(Queue<Pending> source, List<Pending> batch) {
        Pending p;
        while (batch.size() < MAX_BATCH && (p = source.poll()) != null) {
            batch.add(p);
        }
    }

    /** Lets go of what the steps planned so far held (their rows, their trial numbers). */
    private static void undo(LiveExperiment e, List<Pending> planned) {
        synchronized (e) {
            planned.forEach(p -> e.abandon(p.planned.entry(), true));
        }
        planned.forEach(p -> p.planned = null);
        planned.clear();
    }
}
