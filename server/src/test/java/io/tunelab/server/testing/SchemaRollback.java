package io.tunelab.server.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Rolls an embedded database back to an older schema version, as a test of what a migration does
 * to an old database needs: each later migration's changes undone, newest first, and its row
 * taken out of Flyway's history, so the next start applies it again. Each migration since
 * {@value #OLDEST} has its undo here; {@code SchemaRollbackTest} fails for a migration without one.
 */
public final class SchemaRollback {
    /** The oldest version a database can be rolled back to. */
    public static final int OLDEST = 12;

    /** What undoes each migration after {@link #OLDEST}, by version. */
    private static final NavigableMap<Integer, List<String>> UNDO = new TreeMap<>(Map.of(
            13, List.of("DROP TABLE experiment_summary"),
            14, List.of("DROP INDEX request_created"),
            15, List.of("DROP TABLE finalization_model"),
            16, List.of("DROP TABLE login_code", "DROP TABLE browser_session"),
            // Version 17 deleted the stored summaries, which a start makes again: nothing to undo.
            17, List.of(),
            18, List.of("ALTER TABLE experiment_summary DROP COLUMN first_page_total",
                    "ALTER TABLE experiment_summary DROP COLUMN first_page_asc_json",
                    "ALTER TABLE experiment_summary DROP COLUMN first_page_desc_json", "ALTER TABLE experiment_summary DROP COLUMN experiment_json",
                    "ALTER TABLE experiment_summary DROP COLUMN first_reads_build"),
            // Version 19 took the embedded database's foreign key of trials (with its index) and
            // trial_revision away; back under the names they had.
            19, List.of("CREATE INDEX trial_revision ON trial (experiment_id, revision)",
                    "ALTER TABLE trial ADD CONSTRAINT CONSTRAINT_4C FOREIGN KEY (experiment_id) REFERENCES experiment(id)"),
            20, List.of("ALTER TABLE trial DROP COLUMN told_answer", "ALTER TABLE trial DROP COLUMN told_request")));

    private SchemaRollback() {
    }

    /** The versions this class can undo, oldest first. */
    public static java.util.Set<Integer> versions() {
        return UNDO.navigableKeySet();
    }

    /** Undoes every migration after {@code version} on {@code db}, newest first, and takes them out of the history. */
    public static void to(Connection db, int version) throws SQLException {
        if (version < OLDEST) {
            throw new IllegalArgumentException("a database can be rolled back to version " + OLDEST + " or later, not " + version);
        }
        try (Statement s = db.createStatement()) {
            for (var undo : UNDO.tailMap(version, false).descendingMap().entrySet()) {
                for (String sql : undo.getValue()) {
                    s.execute(sql);
                }
                s.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '" + undo.getKey() + "'");
            }
        }
    }
}
