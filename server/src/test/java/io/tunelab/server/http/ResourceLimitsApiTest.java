package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static io.tunelab.server.http.HttpSecurityTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds a server started with small limits keeps: report steps per trial, params per
 * experiment, open event streams and model size; each refusal names the limit and its flag and
 * changes nothing.
 */
class ResourceLimitsApiTest {
    @RegisterExtension
    final TestServer server = new TestServer(dataDir -> new ServerConfig("127.0.0.1", 0, dataDir, null, Durability.PROCESS,
            CoordinatorConfig.defaults().withLimits(2, 2), null, new HttpLimits(2, Duration.ofSeconds(60), 1024 * 1024)));
    RawHttp raw;
    String admin;
    TunelabClient client;
    long trial;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        admin = server.adminToken();
        client = server.client();
        var experiment = client.launch(ExperimentSpec.builder("bounded").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        trial = experiment.ask().id();
    }

    @Test
    void aThirdReportStepIsRefusedAndTheTrialKeepsItsTwo() throws Exception {
        for (int step = 1; step <= 2; step++) {
            assertThat(raw.send("POST", "/api/trials/" + trial + "/reports", bearer(admin),
                    "{\"step\": " + step + ", \"values\": {\"loss\": 0.5}}").status()).isEqualTo(200);
        }
        assertRefused(raw.send("POST", "/api/trials/" + trial + "/reports", bearer(admin), "{\"step\": 3, \"values\": {\"loss\": 0.4}}"),
                409, ErrorCode.LIMIT_REACHED, "--max-reports-per-trial 2");
        assertThat(client.trial(trial).reports()).extracting(r -> r.step()).containsExactly(1, 2);
    }

    @Test
    void aDefineByRunParamBeyondTheLimitIsRefusedAndTheSpaceStays() throws Exception {
        String suggest = "{\"name\": \"%s\", \"param\": {\"type\": \"int\", \"low\": 1, \"high\": 8}}";
        assertThat(raw.send("POST", "/api/trials/" + trial + "/suggest", bearer(admin), suggest.formatted("batch")).status()).isEqualTo(200);
        assertRefused(raw.send("POST", "/api/trials/" + trial + "/suggest", bearer(admin), suggest.formatted("depth")),
                409, ErrorCode.LIMIT_REACHED, "--max-params 2");
        assertThat(client.describe("bounded").spec().space().names()).containsExactly("x", "batch");
        assertThat(client.trial(trial).params()).containsOnlyKeys("x", "batch");
    }

    @Test
    void aStreamBeyondTheLimitIsRefusedUntilOneCloses() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest events = HttpRequest.newBuilder(URI.create(server.url() + "/api/events"))
                .header("Authorization", "Bearer " + admin).build();
        List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            open.add(http.send(events, HttpResponse.BodyHandlers.ofInputStream()));
            assertThat(open.get(i).statusCode()).isEqualTo(200);
        }
        var refused = raw.send("GET", "/api/events", Map.of("Authorization", "Bearer " + admin), (String) null);
        assertRefused(refused, 503, ErrorCode.UNAVAILABLE, "--max-event-streams 2");
        assertThat(refused.headers()).containsKey("retry-after");
        // A HEAD answers what the GET would: the refusal's status and headers, and no stream taken.
        var head = raw.send("HEAD", "/api/events", Map.of("Authorization", "Bearer " + admin), (String) null);
        assertThat(head.status()).isEqualTo(503);
        assertThat(head.headers()).containsKey("retry-after");
        assertRefused(raw.send("GET", "/api/events", Map.of("Authorization", "Bearer " + admin), (String) null),
                503, ErrorCode.UNAVAILABLE, "--max-event-streams 2");
        open.get(0).body().close();
        http.shutdownNow();
        // Once the server sees a stream close, its place is free again.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            Thread.sleep(50);
            HttpClient probe = HttpClient.newHttpClient();
            HttpResponse<java.io.InputStream> reply = probe.send(events, HttpResponse.BodyHandlers.ofInputStream());
            status = reply.statusCode();
            reply.body().close();
            probe.shutdownNow();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
    }

    @Test
    void aModelOverTheCapIsRefusedNamingTheFlag() throws Exception {
        var headers = new java.util.HashMap<>(bearer(server.api().tokens().create("box", java.util.Set.of(Scope.WORKER)).secret()));
        headers.put("Content-Type", "application/octet-stream");
        var reply = raw.send("PUT", "/api/trials/" + trial + "/model?leaseId=x", headers, new byte[1024 * 1024 + 1]);
        assertRefused(reply, 413, ErrorCode.BODY_TOO_LARGE, "--max-model-mb 1");
        assertThat(client.trial(trial).provenance()).doesNotContainKey("model_sha256");
    }

    @Test
    void aModelWithoutAContentLengthIsRefusedBeforeItIsRead() throws Exception {
        var headers = new java.util.HashMap<>(bearer(server.api().tokens().create("box", java.util.Set.of(Scope.WORKER)).secret()));
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Transfer-Encoding", "chunked");
        headers.put("Content-Length", null);
        var chunked = raw.send("PUT", "/api/trials/" + trial + "/model?leaseId=x", headers, "5\r\nhello\r\n0\r\n\r\n");
        assertRefused(chunked, 400, ErrorCode.INVALID_ARGUMENT, "needs a Content-Length header");
        assertThat(client.trial(trial).provenance()).doesNotContainKey("model_sha256");
    }
}
