package io.tunelab.server.storage;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data directory written by an earlier release opens with this one: the committed fixture
 * {@code storage/v1/tunelab.mv.db} holds an H2 file written by schema version 1 (one experiment,
 * three trials - two complete with repetitions, one running - with reports, a model and a data
 * report). Opening it applies every later migration and reads everything back unchanged.
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
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("tunelab"), "tunelab", "");
             var rs = c.createStatement().executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every migration applied").isEqualTo(Migrations.SCRIPTS.size());
        }
        try (Storage again = JdbcStorage.openDataDirectory(dir)) {
            assertThat(again.trials(1)).hasSize(4);
        }
    }

}
