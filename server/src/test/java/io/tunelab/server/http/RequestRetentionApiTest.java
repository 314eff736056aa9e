package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.TrialResult;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request retention on a real server over real HTTP: a server started on answers older than
 * the retention (aged by a day and an hour in its H2 files while it was stopped) deletes them in
 * its pass at start, counts them in {@code tunelab_requests_pruned_total}, and a retried tell then
 * gets {@code 409 TRIAL_FINISHED} saying its id answers nothing, a retried ask a new trial.
 */
class RequestRetentionApiTest {
    private static final String SPEC = """
            {"name": "aged", "objectives": [{"metric": "loss", "direction": "minimize"}],
             "space": {"x": {"type": "float", "low": 0, "high": 1}},
             "strategy": {"name": "random", "seed": 3}, "budget": {"trials": 20}}
            """;

    /** Set before a restart: the stopped server's stored answers are made 25 hours older before it starts again. */
    private volatile boolean ageOnStart;

    @RegisterExtension
    final TestServer server = new TestServer(dataDir -> {
        if (ageOnStart) {
            age(dataDir);
        }
        return ServerConfig.of(dataDir, 0);
    });

    private static void age(Path dataDir) {
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tunelab"), "tunelab", "");
             var s = c.createStatement()) {
            s.executeUpdate("UPDATE request SET created_at = DATEADD(HOUR, -25, created_at)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String body, String requestId) throws Exception {
        return server.call("POST", path, body, Map.of(RequestId.HEADER, requestId)).response();
    }

    @Test
    void aServerStartedOnAnswersOlderThanTheRetentionDeletesThemAndOnlyATellKeptInItsTrialsRowIsStillARetry() throws Exception {
        assertThat(server.call("POST", "/api/experiments", SPEC).status()).isEqualTo(201);
        var asked = post("/api/experiments/aged/trials", "{}", "ask-1");
        long id = ((Number) Json.read(asked.body(), Map.class).get("id")).longValue();
        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));
        assertThat(post("/api/trials/" + id + "/result", result, "tell-1").statusCode()).isEqualTo(200);

        ageOnStart = true;
        server.restart();
        String metrics = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos(); System.nanoTime() < deadline; Thread.sleep(50)) {
            metrics = server.call("GET", "/metrics", null).body();
            if (metrics.contains("tunelab_requests_pruned_total 1.0")) {
                break;
            }
        }
        assertThat(metrics).as("the pass at start deleted the ask's answer").contains("tunelab_requests_pruned_total 1.0");

        var retold = server.call("POST", "/api/trials/" + id + "/result", result, Map.of(RequestId.HEADER, "tell-1"));
        assertThat(retold.status()).as("the tell's answer is kept in its trial's row: " + retold.body()).isEqualTo(200);
        assertThat(retold.json()).containsEntry("state", "COMPLETE").containsEntry("values", Map.of("loss", 0.5));
        var other = server.call("POST", "/api/trials/" + id + "/result", result, Map.of(RequestId.HEADER, "tell-2"));
        other.assertError(409, ErrorCode.TRIAL_FINISHED, "request id \"tell-2\" has no stored answer");
        assertThat(server.call("GET", "/api/trials/" + id, null).json()).as("the trial as the first tell left it")
                .containsEntry("state", "COMPLETE").containsEntry("values", Map.of("loss", 0.5));
        var reasked = post("/api/experiments/aged/trials", "{}", "ask-1");
        assertThat(reasked.statusCode()).isEqualTo(201);
        assertThat(((Number) Json.read(reasked.body(), Map.class).get("id")).longValue()).as("a new trial").isNotEqualTo(id);
    }
}
