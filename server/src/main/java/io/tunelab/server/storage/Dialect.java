package io.tunelab.server.storage;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the databases {@link JdbcStorage} runs on: the few statements that are
 * not standard SQL, and what makes a commit as durable as {@link Durability} asks. Everything
 * else is the same SQL for every database.
 */
interface Dialect {
    /** Inserts or replaces a report; parameters: trial id, step, metric values (JSON), time. */
    String upsertReport();

    /** Inserts or replaces a trial's model; parameters: trial id, content, time. */
    String upsertModel();

    /** Runs after each group commit, before any caller of the group is answered. */
    void afterCommit(Connection connection, Durability durability) throws SQLException;
}
