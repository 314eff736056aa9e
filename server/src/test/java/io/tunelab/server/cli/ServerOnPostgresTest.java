package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunelab server --db ... --db-user ... --db-password-file ...} against a real PostgreSQL
 * server: the flags reach the database, an SDK client runs a sweep through the HTTP API, and a
 * restarted server on the same database has everything.
 */
class ServerOnPostgresTest {
    @TempDir
    Path dir;

    @Test
    void aServerStartedWithTheDbFlagsKeepsItsExperimentsInPostgresAcrossARestart() throws Exception {
        String url = PostgresCluster.shared().createDatabase("server_flags");
        Path password = Files.writeString(dir.resolve("pw"), PostgresCluster.PASSWORD + "\n");
        ServerConfig config = CommandLine.populateCommand(new TunelabCommand.Server(), "--port", "0", "--db", url,
                "--db-user", PostgresCluster.USER, "--db-password-file", password.toString(), "--data-dir", dir.toString()).config();
        var spec = ExperimentSpec.builder("on-postgres").minimize("loss").param("x", FloatParam.of(0, 1)).trials(5).build();
        try (ApiServer server = ApiServer.start(config);
             TunelabClient client = TunelabClient.connect("http://127.0.0.1:" + server.port(), server.newAdminToken().orElseThrow())) {
            assertThat(client.launch(spec).optimize(t -> t.floatParam("x"), 5, 2)).isEqualTo(5);
        }
        try (ApiServer again = ApiServer.start(config);
             TunelabClient client = TunelabClient.connect("http://127.0.0.1:" + again.port(),
                     Files.readString(dir.resolve(ApiServer.ADMIN_TOKEN_FILE)).strip())) {
            assertThat(again.newAdminToken()).as("the tokens are in PostgreSQL: no second admin token").isEmpty();
            var experiment = client.experiment("on-postgres");
            assertThat(experiment.info().state()).isEqualTo(ExperimentState.COMPLETED);
            assertThat(experiment.trials()).hasSize(5).allSatisfy(t -> assertThat(t.value("loss")).isEqualTo(t.params().get("x")));
        }
    }
}
