package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.Artifacts;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query parameters a route does not take, given twice or without a value, on a real server: each
 * kind of route (a list, a page, the event stream, an artifact download, importance, writes)
 * refuses them with 400 INVALID_ARGUMENT naming the parameter and the ones it takes, and nothing
 * changes; the web UI's files still take a cache-buster.
 */
class QueryParamsApiTest {
    static final String SPEC = "{\"name\": \"fresh\", \"objective\": {\"metric\": \"loss\"}, "
            + "\"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}}";

    @RegisterExtension
    final TestServer server = new TestServer();
    TrialProposal trial;

    @BeforeEach
    void launch() {
        server.client().launch(ExperimentSpec.builder("target").minimize("loss").param("x", FloatParam.of(0, 1)).trials(20).build());
        trial = server.client().ask("target");
        server.client().result(trial.id(), TrialResult.complete(Map.of("loss", 0.5)));
    }

    Reply get(String path) throws Exception {
        return server.call("GET", path, null);
    }

    @Test
    void aPageRefusesAMistypedParameterNamingItAndEveryParameterItTakes() throws Exception {
        Reply r = get("/api/experiments/target/trials?limt=5");
        r.assertError(400, ErrorCode.INVALID_ARGUMENT, "unknown query parameter \"limt\" for GET /api/experiments/{ref}/trials; "
                + "known: limit, offset, sort, order, state");
        assertThat(r.json().get("details")).isEqualTo(Map.of("parameter", "limt", "known", List.of("limit", "offset", "sort", "order", "state")));
        // Names are exact: the documented spelling only.
        get("/api/experiments/target/trials?Limit=5").assertError(400, ErrorCode.INVALID_ARGUMENT, "unknown query parameter \"Limit\"");
    }

    @Test
    void aParameterGivenTwiceOrWithoutAValueIsRefused() throws Exception {
        get("/api/experiments/target/trials?limit=1&limit=2").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "query parameter \"limit\" of GET /api/experiments/{ref}/trials is given 2 times; give it once");
        get("/api/experiments/target/trials?state=").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "query parameter \"state\" of GET /api/experiments/{ref}/trials has no value; give one, or leave the parameter out");
        get("/api/experiments/target/leaderboard?limit").assertError(400, ErrorCode.INVALID_ARGUMENT, "\"limit\"");
        get("/api/experiments?tag=%20").assertError(400, ErrorCode.INVALID_ARGUMENT, "query parameter \"tag\" of GET /api/experiments has no value");
    }

    @Test
    void theListOfExperimentsNamesTheFiltersItTakes() throws Exception {
        get("/api/experiments?tags=nightly").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "unknown query parameter \"tags\" for GET /api/experiments; known: tag, archived");
        assertThat(get("/api/experiments?tag=nightly&archived=false").status()).isEqualTo(200);
    }

    @Test
    void theEventStreamRefusesAQueryBeforeItStartsStreaming() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(URI.create(server.url() + "/api/events?experiment=nope"))
                    .header("Authorization", "Bearer " + server.adminToken()).build();
            // The head first: a stream that started would never end, so its body is read only after.
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = r.body()) {
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("\"code\":\"INVALID_ARGUMENT\"")
                        .contains("GET /api/events takes no query parameters, got \\\"experiment\\\"");
            }
        }
    }

    @Test
    void anArtifactDownloadAndImportanceRefuseParametersTheyDoNotTake() throws Exception {
        TrialProposal open = server.client().ask("target");
        Artifacts.of(server.client()).upload(open.id(), null, "notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        get("/api/trials/" + open.id() + "/artifacts/notes.txt?download=1").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "GET /api/trials/{id}/artifacts/{name} takes no query parameters, got \"download\"");
        assertThat(get("/api/trials/" + open.id() + "/artifacts/notes.txt").body()).isEqualTo("hello");

        get("/api/experiments/target/importance?obj=0").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "unknown query parameter \"obj\" for GET /api/experiments/{ref}/importance; known: objective");
        assertThat(get("/api/experiments/target/importance?objective=0").status()).isEqualTo(200);
    }

    @Test
    void aWriteWithAParameterItDoesNotTakeChangesNothing() throws Exception {
        server.call("POST", "/api/experiments?dry_run=true", SPEC).assertError(400, ErrorCode.INVALID_ARGUMENT,
                "POST /api/experiments takes no query parameters, got \"dry_run\"");
        assertThat(get("/api/experiments/fresh").status()).isEqualTo(404);

        server.call("POST", "/api/experiments/target/trials?count=3", "{}").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "POST /api/experiments/{ref}/trials takes no query parameters, got \"count\"");
        assertThat(get("/api/experiments/target/trials").array()).hasSize(1);

        server.call("POST", "/api/experiments/target/stop?force=1", null).assertError(400, ErrorCode.INVALID_ARGUMENT, "\"force\"");
        assertThat(server.client().describe("target").state().name()).isEqualTo("RUNNING");

        TrialProposal leased = server.client().askLeased("target");
        var upload = HttpRequest.newBuilder(URI.create(server.url() + "/api/trials/" + leased.id() + "/artifacts/a.bin?leaseid="
                        + leased.leaseId())).header("Authorization", "Bearer " + server.adminToken())
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000])).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(upload, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("unknown query parameter \\\"leaseid\\\" for PUT /api/trials/{id}/artifacts/{name}; known: leaseId");
        }
        assertThat(get("/api/trials/" + leased.id() + "/artifacts").array()).isEmpty();
    }

    @Test
    void aQueryThatIsNotValidPercentEncodingOrHasANamelessValueGetsTheErrorBody() throws Exception {
        // A well-behaved client cannot send such a query: the request goes as raw bytes.
        var raw = new RawHttp(server.port());
        var bearer = Map.of("Authorization", "Bearer " + server.adminToken());
        RawHttp.Reply broken = raw.send("GET", "/api/experiments/target/trials?limit=%zz", bearer, (byte[]) null);
        assertThat(broken.status()).as(broken.body()).isEqualTo(400);
        assertThat(broken.json()).containsEntry("code", "INVALID_ARGUMENT");
        assertThat((String) broken.json().get("message")).contains("the query string \"limit=%zz\" is not valid percent-encoding");
        get("/api/experiments/target/trials?=5").assertError(400, ErrorCode.INVALID_ARGUMENT, "a value without a name (\"=5\")");
    }

    @Test
    void aBadValueNamesTheParameterAndWhatItMayBe() throws Exception {
        get("/api/experiments/target/trials?state=DONE").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "state must be one of WAITING, RUNNING, COMPLETE, PRUNED, FAILED, RACED_OUT (every state when left out), got \"DONE\"");
        get("/api/experiments/target/trials?limit=99999999999").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "query parameter limit must be an integer from 1 to 10000 (10000 when left out), got \"99999999999\"");
        get("/api/experiments/target/leaderboard?offset=-99999999999").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "query parameter offset must be an integer from 0 to 2147483647 (0 when left out)");
        get("/api/experiments/target/curves?limit=many").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "query parameter limit must be an integer from 1 to 1000 (50 when left out), got \"many\"");
        get("/api/experiments/target/curves?limit=5000").assertError(400, ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to 1000");
        get("/api/experiments/target/trials?order=sideways").assertError(400, ErrorCode.INVALID_ARGUMENT, "order must be asc or desc");
        assertThat(get("/api/experiments/target/trials?order=%20desc%20").status()).isEqualTo(200);
    }

    @Test
    void aCacheBusterReachesTheWebUiAndTheLoginLinkWhileTheApiRefusesIt() throws Exception {
        get("/api/experiments?v=3").assertError(400, ErrorCode.INVALID_ARGUMENT, "unknown query parameter \"v\" for GET /api/experiments");
        try (HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            for (String path : List.of("/?v=3", "/app.css?v=3", "/js/api.js?v=3&v=4")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
            }
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/login?utm_source=mail")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(302);
        }
    }
}
