package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.api.Specs;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spec that a check added later refuses, stored before the check came (an upgrade's
 * database): the server still starts on it and serves it, since such checks hold new specs
 * only and a stored one is read as it was written; one whose space no strategy can sample
 * proposes no trial and says why.
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
            // Trial 900 was handed out before the server was stopped.
            storage.write(c -> c.insert(StoredTrial.of(new Trial(900, 500, 0, Map.of("x", 0.5, "s", 0.5), TrialState.RUNNING, null,
                    null, null, null, t0, t0, null, null, null, null, null))));
        }

        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0));
             var client = TunelabClient.connect(server.origin(), server.newAdminToken().orElseThrow())) {
            assertThat(client.describe("500").name()).isEqualTo("wide\u0007");
            assertThat(client.describe("500").spec().space().names()).containsExactly("x", "s");
            assertThat(client.experiments()).hasSize(1);

            // It proposed ±Infinity, NaN, then values below low: now no trial, saying why and what to do.
            client.resume("500", null);
            assertThatThrownBy(() -> client.ask("500")).isInstanceOfSatisfying(TunelabException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                assertThat(e.getMessage()).isEqualTo("no trial can be proposed for experiment \"wide?\": param \"x\": high - low "
                        + "(1.0E308 - -1.0E308) is beyond the largest double; narrow the range, or search its exponent with log: true "
                        + "(its spec was stored before this was checked); create a new experiment with the param fixed (a clone "
                        + "keeps the spec), warm_start.from can bring its trials");
            });
            assertThat(client.trials("500")).as("nothing proposed").extracting(Trial::id).containsExactly(900L);
            assertThat(client.describe("500").state()).isEqualTo(ExperimentState.RUNNING);

            // A tell that asks for the next trial is recorded, and its reply says why there is none.
            TellReply reply = client.experiment("500").tellThenAsk(900, 0.25);
            assertThat(reply.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(reply.next()).isNull();
            assertThat(reply.noNext().code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(reply.noNext().message()).startsWith("no trial can be proposed for experiment \"wide?\": param \"x\"");
            assertThat(client.trials("500")).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        }
    }
}
