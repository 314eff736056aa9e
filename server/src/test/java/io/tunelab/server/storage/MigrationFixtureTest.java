package io.tunelab.server.storage;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A data directory written by an earlier release opens with this one: the committed fixture
 * {@code storage/v1/tunelab.mv.db} holds an H2 file written by schema version 1 (one experiment,
 * three trials - two complete with repetitions, one running - with reports, a model and a data
 * report), its version kept in the pre-Flyway table {@code schema_version}. Opening it enters
 * version 1 into Flyway's history as a baseline, applies every later migration and reads
 * everything back unchanged.
 */
class MigrationFixtureTest {
    @TempDir
    Path dir;

    @Test
    void aVersionOneDataDirectoryIsUpgradedAndReadsBackWhole() throws Exception {
        try (InputStream fixture = getClass().getResourceAsStream("/storage/v1/tunelab.mv.db")) {
            assertThat(fixture).as("the committed fixture").isNotNull();
            Files.copy(fixture, dir.resolve("tunelab.mv.db"));
        }
        try (Storage s = JdbcStorage.openDataDirectory(dir)) {
            assertThat(s.experiments()).singleElement().satisfies(e -> {
                assertThat(e.name()).isEqualTo("fixture-v1");
                assertThat(e.state()).isEqualTo(ExperimentState.RUNNING);
                assertThat(e.seed()).isEqualTo(7);
                assertThat(e.spec().space().params()).containsKeys("lr", "optimizer");
            });
            var trials = s.trials(1);
            assertThat(trials).extracting(t -> t.trial().state())
                    .containsExactly(TrialState.COMPLETE, TrialState.COMPLETE, TrialState.RUNNING);
            assertThat(trials.getFirst().trial().values()).containsEntry("loss", 0.5);
            assertThat(trials.getFirst().trial().repetitions()).hasSize(2);
            assertThat(trials.getFirst().trial().provenance()).containsEntry("host", "fixture");
            assertThat(trials).allSatisfy(t -> assertThat(t.trial().reports()).hasSize(1));
            assertThat(trials.get(1).trial().params()).containsExactly(Map.entry("lr", 0.002), Map.entry("optimizer", "sgd"));
            assertThat(s.model(1)).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("model-bytes"));
            assertThat(s.dataReport(1)).hasValue("{\"usable\":true,\"rows\":150}");
            assertThat(s.maxTrialId()).isEqualTo(3);
            s.write(c -> c.insert(StorageContract.trial(4, 1, 3)));
        }
        var h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("tunelab"));
        h2.setUser("tunelab");
        var history = Migrations.flyway(h2, H2Dialect.INSTANCE).info();
        assertThat(history.pending()).as("every migration applied").isEmpty();
        assertThat(history.applied()[0]).satisfies(baseline -> {
            assertThat(baseline.getType().isBaseline()).as("version 1 entered as a baseline, not run again").isTrue();
            assertThat(baseline.getVersion().getVersion()).isEqualTo("1");
        });
        try (var c = h2.getConnection(); var rs = c.getMetaData().getTables(null, null, "SCHEMA_VERSION", null)) {
            assertThat(rs.next()).as("the pre-Flyway version table is gone").isFalse();
        }
        try (Storage again = JdbcStorage.openDataDirectory(dir)) {
            assertThat(again.trials(1)).hasSize(4);
        }
        assertThat(trialIndexes(h2)).as("the fixture's foreign key went with version 19")
                .containsExactlyInAnyOrder("PRIMARY KEY", "UNIQUE TRIAL_NUMBER", "INDEX TRIAL_LEASE");
    }

    /**
     * Version 19: the embedded database's trial table keeps only the indexes something on it
     * reads (its key, trial_number, trial_lease); a database of version 18, with the foreign key's
     * index and trial_revision, loses them on its next start and reads back the same trials.
     */
    @Test
    void theEmbeddedTrialTableKeepsOnlyTheIndexesItsReadsUse() throws Exception {
        try (Storage s = JdbcStorage.openDataDirectory(dir)) {
            s.write(c -> c.insert(StorageContract.experiment(1, "one")));
            s.write(c -> c.insert(StorageContract.trial(1, 1, 0)));
        }
        var h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("tunelab"));
        h2.setUser("tunelab");
        assertThat(trialIndexes(h2)).containsExactlyInAnyOrder("PRIMARY KEY", "UNIQUE TRIAL_NUMBER", "INDEX TRIAL_LEASE");
        try (var c = h2.getConnection()) {
            io.tunelab.server.testing.SchemaRollback.to(c, 18);
        }
        assertThat(trialIndexes(h2)).as("version 18's table").containsExactlyInAnyOrder("PRIMARY KEY", "UNIQUE TRIAL_NUMBER",
                "INDEX TRIAL_LEASE", "INDEX TRIAL_REVISION", "FOREIGN KEY CONSTRAINT_4C");
        try (Storage s = JdbcStorage.openDataDirectory(dir)) {
            assertThat(s.trials(1)).singleElement().satisfies(t -> assertThat(t.trial().number()).isZero());
            s.write(c -> c.insert(StorageContract.trial(2, 1, 1)));
            assertThat(s.trials(1)).hasSize(2);
        }
        assertThat(trialIndexes(h2)).containsExactlyInAnyOrder("PRIMARY KEY", "UNIQUE TRIAL_NUMBER", "INDEX TRIAL_LEASE");
    }

    /** The trial table's constraints ({@code PRIMARY KEY}, {@code UNIQUE name}, {@code FOREIGN KEY name}) and its other indexes ({@code INDEX name}). */
    private static java.util.List<String> trialIndexes(javax.sql.DataSource h2) throws Exception {
        var found = new java.util.ArrayList<String>();
        try (var c = h2.getConnection(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT constraint_type, constraint_name FROM information_schema.table_constraints "
                    + "WHERE table_name = 'TRIAL'")) {
                while (rs.next()) {
                    found.add(rs.getString(1).equals("PRIMARY KEY") ? "PRIMARY KEY" : rs.getString(1) + " " + rs.getString(2));
                }
            }
            try (var rs = s.executeQuery("SELECT i.index_name FROM information_schema.indexes i WHERE i.table_name = 'TRIAL' "
                    + "AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints t WHERE t.table_name = 'TRIAL' "
                    + "AND t.index_name = i.index_name)")) {
                while (rs.next()) {
                    found.add("INDEX " + rs.getString(1));
                }
            }
        }
        return found;
    }

    @Test
    void aDatabaseMigratedByANewerReleaseIsRefusedAndLeftAsItWas() throws Exception {
        JdbcStorage.openDataDirectory(dir).close();
        var h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("tunelab"));
        h2.setUser("tunelab");
        int rows = historyRows(h2);
        try (var c = h2.getConnection(); var s = c.createStatement()) {
            s.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", "
                    + "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") "
                    + "VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'tunelab', 1, TRUE)");
        }
        assertThatThrownBy(() -> JdbcStorage.openDataDirectory(dir))
                .isInstanceOf(TunelabException.class)
                .hasMessageContaining("the database has schema version 99 but this Tunelab knows only up to")
                .hasMessageContaining("use a newer Tunelab");
        assertThat(historyRows(h2)).as("nothing applied after the refusal").isEqualTo(rows + 1);
    }

    private static int historyRows(javax.sql.DataSource h2) throws Exception {
        try (var c = h2.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\"")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
