package io.tunelab.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * What differs between the databases {@link JdbcStorage} runs on: the few statements that are
 * not standard SQL, its types for large text and bytes, and what makes a commit as durable as
 * {@link Durability} asks. Everything else is the same SQL for every
 * database.
 */
interface Dialect {
    /** The folder under {@code db/migration} with this database's own migrations, beside {@code common}. */
    String migrations();

    /** The column types the migrations name by placeholder: {@code text} (large text) and {@code bytes}. */
    Map<String, String> columnTypes();

    /** Inserts or replaces a report; parameters: trial id, step, metric values (JSON), time. */
    String upsertReport();

    /** Inserts or replaces a trial's model; parameters: trial id, content, time. */
    String upsertModel();

    /**
     * What ends the query that picks the oldest answers to delete: nothing where one writer
     * deletes them; where several coordinators may, {@code FOR UPDATE SKIP LOCKED}, so each takes
     * rows the others have not, neither waits for the other, and no two deletes can deadlock.
     */
    default String pickingAnswers() {
        return "";
    }

    /** Sets up the writer's connection once, before its first write. */
    default void prepareWriter(Connection connection) throws SQLException {
    }

    /**
     * Keeps the ids up to {@code upTo} of {@code sequence} ({@code experiment_ids} or
     * {@code trial_ids}) issued, inside the writer's transaction that deletes them, so that they
     * are never handed out again. Where ids are drawn from the sequence itself there is nothing to do.
     */
    default void keepIssued(Connection connection, String sequence, long upTo) throws SQLException {
    }

    /** A query for the largest id of {@code sequence} kept issued by {@link #keepIssued}, or null when it has none. */
    default String issued(String sequence) {
        return null;
    }

    /**
     * What makes the commits of {@code writer} (a connection to a database this process alone
     * writes, through a {@link GroupCommitWriter}) as durable as {@code durability} asks, run on a
     * thread of its own after each commit; null when a commit is durable enough as it returns.
     */
    GroupCommitWriter.Sync sync(Connection writer, Durability durability) throws SQLException;

    /** Closes the writer's connection at a clean stop, after its last commit. */
    default void closeWriter(Connection connection) throws SQLException {
        connection.close();
    }
}
