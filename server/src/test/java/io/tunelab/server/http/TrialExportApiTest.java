package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.server.testing.Csv;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/experiments/{ref}/trials.csv} and {@code .json} over real HTTP: one row per
 * trial with params, values, statistics and states, RFC 4180 quoting, bodies larger than one
 * streamed chunk, and the errors for an unknown experiment or format.
 */
class TrialExportApiTest {
    static final String SPEC = """
            {"name": "export", "objective": {"metric": "loss", "direction": "minimize"},
             "space": {"optimizer": {"type": "categorical", "choices": ["adam", "sgd"]}, "lr": {"type": "float", "low": 0.001, "high": 0.1}},
             "strategy": {"name": "random", "seed": 7}, "budget": {"trials": 50}}
            """;

    @RegisterExtension
    final TestServer server = new TestServer();

    Reply call(String method, String path, String body) throws Exception {
        return server.call(method, path, body);
    }

    long ask() throws Exception {
        Reply asked = call("POST", "/api/experiments/export/trials", null);
        assertThat(asked.status()).as(asked.body()).isEqualTo(201);
        return ((Number) asked.json().get("id")).longValue();
    }

    void tell(long id, String result) throws Exception {
        Reply told = call("POST", "/api/trials/" + id + "/result", result);
        assertThat(told.status()).as(told.body()).isEqualTo(200);
    }

    @Test
    void csvAndJsonHaveOneRowPerTrialWithParamsValuesStatisticsAndStates() throws Exception {
        Reply created = call("POST", "/api/experiments", SPEC);
        assertThat(created.status()).isEqualTo(201);
        Object experimentId = created.json().get("id");
        long first = ask();
        Reply suggested = call("POST", "/api/trials/" + first + "/suggest",
                "{\"name\": \"batch\", \"param\": {\"type\": \"categorical\", \"choices\": [16]}}");
        assertThat(suggested.status()).as(suggested.body()).isEqualTo(200);
        tell(first, "{\"state\": \"COMPLETE\", \"repetitions\": [{\"values\": {\"loss\": 1.0}}, {\"values\": {\"loss\": 3.0}}]}");
        tell(ask(), "{\"state\": \"FAILED\", \"error\": \"bad \\\"input\\\", line 2\\nmore\"}");
        ask();

        Reply csv = call("GET", "/api/experiments/export/trials.csv", null);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.response().headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.response().headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"export-trials.csv\"");
        List<List<String>> rows = Csv.parse(csv.body());
        assertThat(rows.getFirst()).containsExactly("number", "id", "state", "params_optimizer", "params_lr", "params_batch", "values_loss",
                "stats_loss_n", "stats_loss_mean", "stats_loss_std", "stats_loss_ci_low", "stats_loss_ci_high",
                "started", "finished", "duration_seconds", "worker", "error");
        assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(17));
        assertThat(rows.get(1).subList(0, 3)).containsExactly("0", Long.toString(first), "COMPLETE");
        assertThat(rows.get(1).get(3)).isIn("adam", "sgd");
        assertThat(Double.parseDouble(rows.get(1).get(4))).isBetween(0.001, 0.1);
        assertThat(rows.get(1).subList(5, 10)).containsExactly("16", "2.0", "2", "2.0", "1.4142135623730951");
        assertThat(rows.get(2)).startsWith("1").contains("FAILED").endsWith("bad \"input\", line 2\nmore");
        assertThat(rows.get(3)).contains("RUNNING");

        Reply json = call("GET", "/api/experiments/export/trials.json", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.response().headers().firstValue("Content-Type")).hasValue("application/json");
        List<Map<String, Object>> objects = Json.read(json.body(), List.class);
        assertThat(objects).hasSize(3);
        assertThat(objects.getFirst().keySet()).containsExactlyElementsOf(rows.getFirst());
        assertThat(objects.getFirst()).containsEntry("params_batch", 16).containsEntry("stats_loss_n", 2).containsEntry("values_loss", 2.0);
        assertThat(objects.get(2)).containsEntry("values_loss", null).containsEntry("finished", null);
        assertThat(call("GET", "/api/experiments/" + experimentId + "/trials.csv", null).body()).as("by id").isEqualTo(csv.body());
    }

    @Test
    void aBodyOfSeveralChunksArrivesWhole() throws Exception {
        assertThat(call("POST", "/api/experiments", SPEC).status()).isEqualTo(201);
        String error = "x".repeat(3000);
        int trials = 2 * StreamedBody.CHUNK_BYTES / error.length() + 1;
        for (int i = 0; i < trials; i++) {
            tell(ask(), "{\"state\": \"FAILED\", \"error\": \"" + i + error + "\"}");
        }
        List<List<String>> rows = Csv.parse(call("GET", "/api/experiments/export/trials.csv", null).body());
        assertThat(rows).hasSize(trials + 1);
        for (int i = 0; i < trials; i++) {
            assertThat(rows.get(i + 1).getLast()).isEqualTo(i + error);
        }
    }

    @Test
    void aHeadAnswersTheGetsHeadersWithoutReadingTheTrials() throws Exception {
        Object id = call("POST", "/api/experiments", SPEC).json().get("id");
        for (int i = 0; i < 3; i++) {
            tell(ask(), "{\"state\": \"FAILED\", \"error\": \"" + i + "\"}");
        }
        server.restart(); // the experiment is stored, not in memory: reading its trials would load it
        assertThat(server.loadedExperiments()).isZero();
        var heads = new java.util.HashMap<String, Reply>();
        for (String path : List.of("/api/experiments/export/trials.csv", "/api/experiments/" + id + "/trials.json")) {
            heads.put(path, call("HEAD", path, null));
        }
        assertThat(server.loadedExperiments()).as("no HEAD read the trials").isZero();
        for (var head : heads.entrySet()) {
            Reply get = call("GET", head.getKey(), null);
            assertThat(get.status()).as(get.body()).isEqualTo(200);
            assertThat(head.getValue().status()).isEqualTo(200);
            assertThat(head.getValue().body()).isEmpty();
            for (String header : List.of("Content-Type", "Content-Disposition", "Content-Length", "Transfer-Encoding")) {
                assertThat(head.getValue().response().headers().firstValue(header)).as(head.getKey() + " " + header)
                        .isEqualTo(get.response().headers().firstValue(header));
            }
            // Streamed: chunked, with no length, for the GET and its HEAD alike.
            assertThat(get.response().headers().firstValue("Transfer-Encoding")).hasValue("chunked");
            assertThat(head.getValue().response().headers().firstValue("Content-Length")).isEmpty();
            // On the wire, the request after the HEAD on its connection is answered right after the HEAD's headers: no chunk between.
            assertThat(new RawHttp(server.port()).afterHead(head.getKey(), Map.of("Authorization", "Bearer " + server.adminToken())))
                    .as("bytes after the headers of HEAD " + head.getKey()).isEmpty();
        }
        assertThat(server.loadedExperiments()).as("a GET reads them").isEqualTo(1);
    }

    @Test
    void aHeadOfAnUnknownExperimentOrFormatIsRefusedAsItsGet() throws Exception {
        assertThat(call("POST", "/api/experiments", SPEC).status()).isEqualTo(201);
        server.restart();
        for (String path : List.of("/api/experiments/ghost/trials.csv", "/api/experiments/99/trials.json", "/api/experiments/export/trials.xml")) {
            Reply head = call("HEAD", path, null);
            Reply get = call("GET", path, null);
            assertThat(get.status()).as(get.body()).isIn(400, 404);
            assertThat(head.status()).as(path).isEqualTo(get.status());
            assertThat(head.body()).isEmpty();
            // The same error body, left out: its type and length.
            assertThat(head.response().headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(head.response().headers().firstValueAsLong("Content-Length")).hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(server.loadedExperiments()).as("nothing was loaded").isZero();
        assertThat(call("GET", "/api/experiments", null).list()).singleElement().satisfies(e -> assertThat(e).containsEntry("name", "export"));
    }

    @Test
    void anUnknownExperimentOrFormatIsRefused() throws Exception {
        assertThat(call("POST", "/api/experiments", SPEC).status()).isEqualTo(201);
        for (String path : List.of("/api/experiments/ghost/trials.csv", "/api/experiments/ghost/trials.json")) {
            Reply r = call("GET", path, null);
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.json()).containsEntry("code", ErrorCode.NOT_FOUND.name());
            assertThat((String) r.json().get("message")).contains("ghost");
        }
        Reply xml = call("GET", "/api/experiments/export/trials.xml", null);
        assertThat(xml.status()).as(xml.body()).isEqualTo(400);
        assertThat(xml.json()).containsEntry("code", ErrorCode.INVALID_ARGUMENT.name())
                .containsEntry("message", "export format must be csv or json, got \"xml\"");
        assertThat(call("GET", "/api/experiments/export/trials", null).status()).as("the trials route is still there").isEqualTo(200);
    }
}
