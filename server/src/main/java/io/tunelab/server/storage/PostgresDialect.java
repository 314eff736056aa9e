package io.tunelab.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * PostgreSQL: its upserts are {@code INSERT ... ON CONFLICT ... DO UPDATE}. Durability is
 * PostgreSQL's own: with {@code synchronous_commit=on}, which the writer's session sets whatever
 * the server's default, a commit returns only once its write-ahead log is flushed to disk, so
 * every commit already satisfies both {@link Durability#PROCESS} and {@link Durability#FSYNC}
 * and nothing more is done after it. (That holds unless the server itself runs with
 * {@code fsync=off}, which no setting of a client can undo.)
 */
final class PostgresDialect implements Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();
    /** The advisory lock key of a Tunelab server on a database ("TUNELAB" in ASCII). */
    static final long SERVER_LOCK = 0x54554E454C4142L;

    private PostgresDialect() {
    }

    @Override
    public String migrations() {
        return "postgresql";
    }

    @Override
    public Map<String, String> columnTypes() {
        return Map.of("text", "TEXT", "bytes", "BYTEA");
    }

    @Override
    public String upsertReport() {
        return "INSERT INTO report (trial_id, step, metric_values, reported_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (trial_id, step) DO UPDATE SET metric_values = EXCLUDED.metric_values, reported_at = EXCLUDED.reported_at";
    }

    @Override
    public String upsertModel() {
        return "INSERT INTO model (trial_id, content, stored_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (trial_id) DO UPDATE SET content = EXCLUDED.content, stored_at = EXCLUDED.stored_at";
    }

    /**
     * Sets {@code synchronous_commit=on} for the writer's session, and takes the database's
     * Tunelab lock: a session-level advisory lock that the writer holds while its connection
     * lives, so that a second server on the same database is refused at start instead of writing
     * beside the first (one server per database, as with a data directory's file lock).
     */
    @Override
    public void prepareWriter(Connection connection) throws SQLException {
        try (var s = connection.createStatement()) {
            s.execute("SET synchronous_commit TO on");
            try (var rs = s.executeQuery("SELECT pg_try_advisory_lock(" + SERVER_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLException("another Tunelab server uses this database; stop it or give this one another "
                            + "database (several servers on one database are not supported yet)");
                }
            }
        }
    }

    @Override
    public void afterCommit(Connection connection, Durability durability) {
        // The commit itself waited for the flush of the write-ahead log (see the class comment).
    }
}
