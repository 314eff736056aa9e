package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.api.Specs;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredExperiment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spec that a check added later refuses, stored before the check came (an upgrade's
 * database): the server still starts on it and serves it, since such checks hold new specs
 * only and a stored one is read as it was written.
 */
class SpecsStoredBeforeTheirChecksTest {
    private static final String OLD_SPEC = "{\"name\": \"wide\\u0007\", \"objectives\": [{\"metric\": \"loss\"}], \"space\": "
            + "{\"x\": {\"type\": \"float\", \"low\": -1e308, \"high\": 1e308}, "
            + "\"s\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"step\": 1e-300}}}";

    @Test
    void aServerStartsOnAndServesAnExperimentWhoseSpecANewOneCouldNotHave(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Specs.parse(OLD_SPEC)).as("refused as a new spec").isInstanceOf(TunelabException.class);
        ExperimentSpec stored = Json.read(OLD_SPEC, ExperimentSpec.class);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        try (var storage = JdbcStorage.openDataDirectory(dir)) {
            storage.write(c -> c.insert(new StoredExperiment(500, stored.name(), ExperimentState.PAUSED, stored, 7, t0, t0, null, 0,
                    null, null, null)));
        }

        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
             var client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow())) {
            assertThat(client.describe("500").name()).isEqualTo("wide\u0007");
            assertThat(client.describe("500").spec().space().names()).containsExactly("x", "s");
            assertThat(client.experiments()).hasSize(1);
        }
    }
}
