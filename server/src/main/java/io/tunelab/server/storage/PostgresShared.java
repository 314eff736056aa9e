package io.tunelab.server.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * PostgreSQL shared by several coordinators: writes run on a pool of connections, each in its
 * own transaction committed with {@code synchronous_commit=on} (PostgreSQL flushes concurrent
 * commits together, so there is no writer thread of ours), a connection lost when the database
 * restarts is replaced by the pool, and an experiment's changes are serialised by an advisory
 * lock keyed by its id ({@code pg_advisory_xact_lock}). Thread-safe.
 */
final class PostgresShared implements SharedDatabase, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresShared.class);
    /** The advisory lock key the leading coordinator holds ("TUNELAB" in ASCII); an experiment's lock is its id. */
    static final long LEADER_LOCK = 0x54554E454C4142L;
    static final String CHANNEL = "tunelab";
    private static final int WRITERS = 16;
    /** How long {@link #listen} waits for its {@code LISTEN} to be in place before it answers. */
    private static final int LISTEN_WAIT_SECONDS = 10;
    private static final int TRIAL_IDS_PER_BLOCK = 32;

    private final String url;
    private final String user;
    private final String password;
    private final HikariDataSource writers;
    private final Function<Connection, JdbcChanges> changes;
    private final Object leaderGuard = new Object();
    private Connection leader;
    private volatile boolean closed;
    private final List<Thread> listeners = new ArrayList<>();
    private final java.util.ArrayDeque<Long> trialIds = new java.util.ArrayDeque<>();

    /** {@code changes} makes the storage's changes on a connection inside its transaction. */
    PostgresShared(String url, String user, String password, Function<Connection, JdbcChanges> changes) throws SQLException {
        this.url = url;
        this.user = user;
        this.password = password;
        this.changes = changes;
        this.writers = Pools.open("tunelab-writers", url, user, password, WRITERS, config -> {
            config.setAutoCommit(false);
            config.setConnectionInitSql(PostgresDialect.SYNCHRONOUS_COMMIT);
        });
    }

    /** Runs {@code work} in a transaction of its own and commits it durably. */
    void write(Consumer<Storage.Changes> work) {
        transaction(c -> {
            work.accept(changes.apply(c));
            return null;
        });
    }

    @Override
    public <T> T locked(long experimentId, long since, Function<Locked, T> work) {
        // An advisory lock, not a row lock: a step that changes nothing then writes nothing (no
        // transaction id, no commit to flush). The step's stamp will be revision + 1 (Peers#stamp):
        // its trials carry it as they are written.
        return transaction(c -> work.apply(LockedTransaction.lock(c, experimentId, since,
                revision -> changes.apply(c).stampingTrials(revision + 1))));
    }

    @Override
    public <T> T snapshot(long experimentId, Function<Locked, T> work) {
        return transaction(c -> {
            // One snapshot for every read of the transaction, taken by its first query, in the same round trip.
            long revision = revisionAfter(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                    + "SELECT revision FROM experiment WHERE id = ?", experimentId);
            return work.apply(new LockedTransaction(c, experimentId, revision, null));
        });
    }

    /**
     * Runs two statements in one round trip, the experiment's id bound to the one marker of the
     * second, and answers the revision it reads; NOT_FOUND when it reads none.
     */
    private static long revisionAfter(Connection c, String sql, long experimentId) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            ps.setLong(1, experimentId);
            ps.execute();
            if (!ps.getMoreResults()) {
                throw new SQLException("no revision read after " + sql);
            }
            try (ResultSet rs = ps.getResultSet()) {
                if (!rs.next()) {
                    throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id " + experimentId);
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction and commits it. A connection the database dropped before
     * the commit (PostgreSQL restarted, say) is replaced and the work run once more: nothing of it
     * was committed. A failure of the commit itself is not retried, since it may have committed.
     */
    private <T> T transaction(SqlWork<T> work) {
        if (closed) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server is shutting down; retry against the restarted server");
        }
        for (int attempt = 0; ; attempt++) {
            boolean committing = false;
            try (Connection c = writers.getConnection()) {
                try {
                    T result = work.run(c);
                    committing = true;
                    c.commit();
                    return result;
                } catch (RuntimeException | SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (attempt == 0 && !committing && connectionLost(e)) {
                    LOG.warn("the database dropped a writer's connection ({}); writing again on a new one", e.getMessage());
                    continue;
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw TunelabException.of(ErrorCode.INTERNAL, "storage write failed: " + e.getMessage(), Map.of(), e);
            }
        }
    }

    /** Whether a failure is the connection's (class 08, or the server shutting the session down), not the statement's. */
    private static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @Override
    public long nextTrialId() {
        synchronized (trialIds) {
            if (trialIds.isEmpty()) {
                // One round trip takes a block of ids; the ids a coordinator does not use stay holes.
                query("SELECT nextval('trial_ids') FROM generate_series(1, " + TRIAL_IDS_PER_BLOCK + ")", ps -> { }, rs -> {
                    while (rs.next()) {
                        trialIds.add(rs.getLong(1));
                    }
                    return null;
                });
            }
            return trialIds.removeFirst();
        }
    }

    @Override
    public long nextExperimentId() {
        return next("experiment_ids");
    }

    private long next(String sequence) {
        return query("SELECT nextval('" + sequence + "')", ps -> { }, rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    @Override
    public OptionalLong experimentOfTrial(long trialId) {
        return query("SELECT experiment_id FROM trial WHERE id = ?", ps -> ps.setLong(1, trialId),
                rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
    }

    @Override
    public Optional<StoredExperiment> experiment(long experimentId) {
        return query("SELECT id, " + RowCodec.EXPERIMENT_COLUMNS + " FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId),
                rs -> rs.next() ? Optional.of(RowCodec.readExperiment(rs)) : Optional.empty());
    }

    @Override
    public Optional<String> name(long experimentId) {
        return query("SELECT name FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId),
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
    }

    @Override
    public long revision(long experimentId) {
        return query("SELECT revision FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId), rs -> rs.next() ? rs.getLong(1) : -1L);
    }

    @Override
    public Map<Long, Long> revisions() {
        return query("SELECT id, revision FROM experiment", ps -> { }, rs -> {
            var out = new HashMap<Long, Long>();
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
            return out;
        });
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        return transaction(c -> query(c, sql, binder, reader));
    }

    private static <T> T query(Connection c, String sql, Binder binder, Reader<T> reader) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        }
    }

    @Override
    public boolean leads() {
        synchronized (leaderGuard) {
            try {
                if (leader != null && leader.isValid(2)) {
                    return true;
                }
                if (leader != null) {
                    leader.close();
                    leader = null;
                }
                Connection c = DriverManager.getConnection(url, user, password);
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        leader = c;
                        LOG.info("this coordinator leads: it runs the lease reaper");
                        return true;
                    }
                }
                c.close();
                return false;
            } catch (SQLException e) {
                LOG.warn("cannot take the leader's lock: {}", e.getMessage());
                return false;
            }
        }
    }

    @Override
    public void notifyPeers(String payload) {
        transaction(c -> {
            notify(c, payload);
            return null;
        });
    }

    static void notify(Connection c, String payload) throws SQLException {
        try (var ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            ps.setString(1, payload);
            ps.execute();
        }
    }

    @Override
    public void listen(Consumer<String> listener) {
        var listening = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("tunelab-peer-listener").daemon(true).start(() -> listenLoop(listener, listening));
        synchronized (listeners) {
            listeners.add(t);
        }
        try {
            if (!listening.await(LISTEN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("not yet listening for other coordinators after {} s; their changes reach this one once it is", LISTEN_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Listens until closed. After each {@code LISTEN}, the first one included, {@code listener}
     * gets {@code ""}: a change committed before it was in place (since this coordinator read the
     * database, or while the connection was down) sent a notice no one here heard.
     */
    private void listenLoop(Consumer<String> listener, CountDownLatch listening) {
        while (!closed) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                try (var s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening.countDown();
                listener.accept("");
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    var notices = pg.getNotifications(500);
                    if (notices != null) {
                        for (var n : notices) {
                            listener.accept(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("listening for other coordinators failed ({}); listening again in a second", e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (listeners) {
            for (Thread t : listeners) {
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (leaderGuard) {
            if (leader != null) {
                try {
                    leader.close();
                } catch (SQLException e) {
                    LOG.warn("closing the leader's connection: {}", e.getMessage());
                }
            }
        }
        writers.close();
    }
}
