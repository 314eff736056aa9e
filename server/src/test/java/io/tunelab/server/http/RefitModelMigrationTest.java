package io.tunelab.server.http;

import io.tunelab.api.Lease;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.HeldOutWinner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Set;

import static io.tunelab.server.http.FinalizationModelApiTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A data directory written before schema version 15, where the refit model was stored over the
 * winner's model and its SHA-256 over the winner's {@code model_sha256}, opens with this build:
 * the migration adds the finalization's own model table and moves nothing, so the model stays
 * where it was written and the finalization names no refit model; the next refit upload lands
 * with the finalization and leaves the trial's model alone.
 */
class RefitModelMigrationTest {
    private static final byte[] SEARCH_MODEL = {1, 2, 3};
    private static final byte[] OLD_REFIT = {5, 5};
    private static final byte[] NEW_REFIT = {6, 6, 6, 6};

    @TempDir
    Path dir;

    @Test
    void aRefitModelStoredOverTheWinnerBeforeVersion15StaysThereAndTheNextRefitIsTheFinalizations() throws Exception {
        long winner;
        Lease refit;
        String admin;
        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0))) {
            admin = server.newAdminToken().orElseThrow();
            String worker = server.tokens().create("box", Set.of(Scope.WORKER)).secret();
            try (var client = TunelabClient.connect(server.origin(), admin); var box = TunelabClient.connect(server.origin(), worker)) {
                client.launch(HeldOutWinner.spec("old"));
                winner = HeldOutWinner.runWithModel(box, SEARCH_MODEL).trial().id();
                refit = HeldOutWinner.lease(box);
                assertThat(refit.finalization()).isNotNull();
            }
        }
        // What version 14 left: the refit model over the winner's, its digest in the winner's provenance, no refit model table.
        try (var db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("tunelab").toAbsolutePath(), "tunelab", "")) {
            try (var ps = db.prepareStatement("UPDATE model SET content = ? WHERE trial_id = ?")) {
                ps.setBytes(1, OLD_REFIT);
                ps.setLong(2, winner);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (var ps = db.prepareStatement("UPDATE trial SET provenance = REPLACE(provenance, ?, ?) WHERE id = ?")) {
                ps.setString(1, sha256(SEARCH_MODEL));
                ps.setString(2, sha256(OLD_REFIT));
                ps.setLong(3, winner);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            io.tunelab.server.testing.SchemaRollback.to(db, 14);
        }

        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0))) {
            String worker = server.tokens().create("box-2", Set.of(Scope.WORKER)).secret();
            try (var client = TunelabClient.connect(server.origin(), admin); var box = TunelabClient.connect(server.origin(), worker)) {
                assertThat(client.downloadModel(winner)).as("the old refit model, where it was written").containsExactly(OLD_REFIT);
                assertThat(client.trial(winner).provenance()).containsEntry("model_sha256", sha256(OLD_REFIT));
                assertThat(client.finalization("old").state()).isEqualTo(TrialState.RUNNING);
                assertThat(client.finalization("old").modelSha256()).isNull();
                assertThatThrownBy(() -> client.downloadFinalizationModel("old", new ByteArrayOutputStream()))
                        .isInstanceOf(TunelabException.NotFound.class).hasMessageContaining("has no refit model yet");

                box.uploadModel(winner, refit.leaseId(), NEW_REFIT);
                var out = new ByteArrayOutputStream();
                client.downloadFinalizationModel("old", out);
                assertThat(out.toByteArray()).containsExactly(NEW_REFIT);
                assertThat(client.finalization("old").modelSha256()).isEqualTo(sha256(NEW_REFIT));
                assertThat(client.downloadModel(winner)).as("the trial's model is not touched again").containsExactly(OLD_REFIT);
            }
        }
        try (var db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("tunelab").toAbsolutePath(), "tunelab", "");
             var rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '15'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("version 15 applied on the next start").isEqualTo(1);
        }
    }
}
