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
    /** What each writer's session runs first. */
    static final String SYNCHRONOUS_COMMIT = "SET synchronous_commit TO on";

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
    public String pickingAnswers() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public String upsertModel() {
        return "INSERT INTO model (trial_id, content, stored_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (trial_id) DO UPDATE SET content = EXCLUDED.content, stored_at = EXCLUDED.stored_at";
    }

    /**
     * Sets {@code synchronous_commit=on} for a writer's session. Several coordinators may share
     * the database: what keeps them apart is {@link SharedDatabase}, not a lock on the database.
     */
    @Override
    public void prepareWriter(Connection connection) throws SQLException {
        try (var s = connection.createStatement()) {
            s.execute(SYNCHRONOUS_COMMIT);
        }
    }

    /** None: the commit itself waited for the flush of the write-ahead log (see the class comment). */
    @Override
    public GroupCommitWriter.Sync sync(Connection writer, Durability durability) {
        return null;
    }
}
