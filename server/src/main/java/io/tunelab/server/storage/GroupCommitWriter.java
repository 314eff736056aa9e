package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that writes to the database, committing in groups: every write waiting when a
 * commit starts shares that commit (and its sync, when there is one), so many concurrent callers
 * pay for one disk write, and each caller returns only after its own changes are committed.
 * Should a group fail, its writes are retried one by one so that one bad write fails only its own
 * caller.
 *
 * <p>Before a commit the writer yields the processor once and takes the writes that arrived
 * meanwhile: when the processors are busy, the request threads that are about to write run
 * first and join the group (a commit costs far more than a statement); when they are idle, the
 * yield returns at once and the group commits without waiting. Until 2026-12-06 the writer
 * waited 300 µs for more writes whenever its last group had company: on an idle machine that wait
 * was most of a tell's latency (experiments/PERFORMANCE.md, 2026-12-06 afternoon).
 *
 * <p>With a {@link Sync} (an fsync of the database file, for {@link Durability#FSYNC}) the groups
 * are made durable on a second thread while the writer commits the next ones: the writer hands
 * each committed group to the sync thread and goes on; that thread syncs once for every group
 * handed to it before the sync began, and only then answers their callers, in commit order. Until
 * 2026-12-07 the writer synced each group itself before its next commit; in four alternated pairs
 * the second thread raised classic's round trips per second in 4 of 4 and the tell with next's in 3
 * of 4, by a median 1.10 × (experiments/PERFORMANCE.md, 2026-12-07 12:35).
 *
 * <p>Thread-safe: {@link #write} and {@link #submit} may be called from any thread but the writer's
 * and the sync thread's own (each would wait for itself); the connection is used by the writer
 * thread alone. The futures {@link #submit} answers are completed on the writer thread (on the
 * sync thread with a {@link Sync}), so what a caller chains to them runs there, between two
 * commits or syncs: it must be short and must not write.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_GROUP = 512;

    /** One caller's statements, run on the writer's connection inside the group's transaction. */
    @FunctionalInterface
    interface Work {
        void run(Connection connection) throws SQLException;
    }

    /**
     * What makes every group committed before it began as durable as asked (an fsync of the
     * database file); run on the sync thread while the writer commits, so it must not use the
     * writer's connection.
     */
    @FunctionalInterface
    interface Sync {
        void run() throws Exception;
    }

    private record Pending(Work work, CompletableFuture<Void> done) {
    }

    /** What closes the connection at a clean stop, after the last commit. */
    @FunctionalInterface
    interface Closer {
        void close(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final Closer closer;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Groups committed and waiting for their sync, in commit order; unused without a {@link Sync}. */
    private final LinkedBlockingQueue<List<Pending>> committed = new LinkedBlockingQueue<>();
    private final Sync sync;
    /** The thread that runs {@link #sync}; null without one. */
    private final Thread syncThread;
    private volatile boolean closed;
    /** Set by the writer thread as it ends: nothing more will be committed. */
    private volatile boolean writerDone;
    /** Committed groups and the writes they carried; written by the writer thread alone. */
    private volatile long commits;
    private volatile long writes;
    /** Syncs done; written by the sync thread alone. */
    private volatile long syncs;

    /**
     * Takes over {@code connection} (auto-commit off) and starts the writer thread, and the sync
     * thread when there is a {@code sync} (null: a commit is answered as soon as it returns);
     * {@code closer} closes the connection at {@link #close}.
     */
    static GroupCommitWriter start(Connection connection, Sync sync, Closer closer) throws SQLException {
        connection.setAutoCommit(false);
        return new GroupCommitWriter(connection, sync, closer);
    }

    private GroupCommitWriter(Connection connection, Sync sync, Closer closer) {
        this.connection = connection;
        this.sync = sync;
        this.closer = closer;
        this.syncThread = sync == null ? null : Thread.ofPlatform().name("tunelab-storage-sync").daemon(true).start(this::syncLoop);
        this.thread = Thread.ofPlatform().name("tunelab-storage-writer").daemon(true).start(this::loop);
    }

    /** Runs {@code work} in the next group and returns once that group is committed (and synced, with a {@link Sync}). */
    void write(Work work) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a write from the storage writer's own thread would wait for itself");
        }
        if (Thread.currentThread() == syncThread) {
            throw new IllegalStateException("a write from the storage sync thread would wait for itself");
        }
        try {
            submit(work).join();
        } catch (CompletionException e) {
            throw (TunelabException) e.getCause();
        }
    }

    /**
     * Queues {@code work} for the next group without waiting: the future completes (on the writer
     * thread) once that group is committed, or with the {@link TunelabException} that {@link #write}
     * would throw.
     */
    CompletableFuture<Void> submit(Work work) {
        if (closed) {
            return CompletableFuture.failedFuture(
                    TunelabException.of(ErrorCode.UNAVAILABLE, "the server is shutting down; retry against the restarted server"));
        }
        var pending = new Pending(work, new CompletableFuture<>());
        queue.add(pending);
        return pending.done;
    }

    private static TunelabException failure(Throwable e) {
        return e instanceof TunelabException te ? te
                : TunelabException.of(ErrorCode.INTERNAL, "storage write failed: " + e.getMessage(), Map.of(), e);
    }

    private void loop() {
        try {
            while (!closed || !queue.isEmpty()) {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // A new list for each group: with a sync, the sync thread holds it until the group is answered.
                var group = new ArrayList<Pending>(Math.min(MAX_GROUP, queue.size() + 16));
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                if (group.size() < MAX_GROUP) {
                    Thread.yield();
                    queue.drainTo(group, MAX_GROUP - group.size());
                }
                commit(group);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writerDone = true;
        }
    }

    /**
     * The sync thread: takes every group committed so far, syncs once, and answers them in commit
     * order; a group committed during a sync waits for the next one, which begins after its commit.
     */
    private void syncLoop() {
        var groups = new ArrayList<List<Pending>>();
        while (!writerDone || !committed.isEmpty()) {
            try {
                List<Pending> first = committed.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                groups.clear();
                groups.add(first);
                committed.drainTo(groups);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                sync.run();
                syncs++; // the sync thread alone writes this
                groups.forEach(group -> group.forEach(p -> p.done.complete(null)));
            } catch (Exception e) {
                failUnsynced(groups, e);
            }
        }
    }

    private void commit(List<Pending> group) {
        try {
            for (Pending p : group) {
                p.work.run(connection);
            }
            connection.commit();
        } catch (RuntimeException | SQLException e) {
            rollbackQuietly();
            if (group.size() == 1) {
                group.getFirst().done.completeExceptionally(failure(e));
                return;
            }
            for (Pending p : group) {
                commit(List.of(p));
            }
            return;
        }
        commits++; // the writer thread alone writes these two
        writes += group.size();
        if (sync == null) {
            group.forEach(p -> p.done.complete(null));
        } else {
            committed.add(group);
        }
    }

    /** Committed but not made as durable as asked: no caller of these groups is told it succeeded. */
    private static void failUnsynced(List<List<Pending>> groups, Exception e) {
        LOG.error("{} group commits could not be synced to disk: {}", groups.size(), e.getMessage());
        TunelabException failed = failure(e);
        groups.forEach(group -> group.forEach(p -> p.done.completeExceptionally(failed)));
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    /** How many groups this writer committed, how many writes they carried, and how many syncs it made, so far. */
    Storage.GroupCommits counts() {
        return new Storage.GroupCommits(commits, writes, syncs);
    }

    /** Commits (and syncs) what is queued, stops the threads and closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
            if (syncThread != null) {
                syncThread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closer.close(connection);
        } catch (SQLException e) {
            LOG.warn("closing the writer's connection: {}", e.getMessage());
        }
    }
}
