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
 * <p>Thread-safe: {@link #write} and {@link #submit} may be called from any thread but the writer's
 * own (it would wait for itself); the connection is used by the writer thread alone. The futures
 * {@link #submit} answers are completed on the writer thread, so what a caller chains to them
 * runs there, between two commits: it must be short and must not write.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_GROUP = 512;

    /** One caller's statements, run on the writer's connection inside the group's transaction. */
    @FunctionalInterface
    interface Work {
        void run(Connection connection) throws SQLException;
    }

    /** What makes a commit as durable as asked, after {@link Connection#commit()} (an fsync, say). */
    @FunctionalInterface
    interface AfterCommit {
        void run(Connection connection) throws SQLException;
    }

    private record Pending(Work work, CompletableFuture<Void> done) {
    }

    /** What closes the connection at a clean stop, after the last commit. */
    @FunctionalInterface
    interface Closer {
        void close(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final AfterCommit afterCommit;
    private final Closer closer;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    /** Committed groups and the writes they carried; written by the writer thread alone. */
    private volatile long commits;
    private volatile long writes;

    /** Takes over {@code connection} (auto-commit off) and starts the writer thread; {@code closer} closes it at {@link #close}. */
    static GroupCommitWriter start(Connection connection, AfterCommit afterCommit, Closer closer) throws SQLException {
        connection.setAutoCommit(false);
        return new GroupCommitWriter(connection, afterCommit, closer);
    }

    private GroupCommitWriter(Connection connection, AfterCommit afterCommit, Closer closer) {
        this.connection = connection;
        this.afterCommit = afterCommit;
        this.closer = closer;
        this.thread = Thread.ofPlatform().name("tunelab-storage-writer").daemon(true).start(this::loop);
    }

    /** Runs {@code work} in the next group and returns once that group is committed. */
    void write(Work work) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a write from the storage writer's own thread would wait for itself");
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
        var group = new ArrayList<Pending>(MAX_GROUP);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.clear();
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                if (group.size() < MAX_GROUP) {
                    Thread.yield();
                    queue.drainTo(group, MAX_GROUP - group.size());
                }
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
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
        try {
            afterCommit.run(connection);
            group.forEach(p -> p.done.complete(null));
        } catch (RuntimeException | SQLException e) {
            // Committed but not made as durable as asked: no caller is told it succeeded.
            LOG.error("a group commit could not be synced to disk: {}", e.getMessage());
            TunelabException failed = failure(e);
            group.forEach(p -> p.done.completeExceptionally(failed));
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    /** How many groups this writer committed, and how many writes they carried, so far. */
    Storage.GroupCommits counts() {
        return new Storage.GroupCommits(commits, writes);
    }

    /** Commits what is queued, stops the thread and closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
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
