package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST contract over real HTTP against a server on a real port with H2 files: the happy
 * path of every endpoint, and every kind of bad input answered with its status, code and a
 * message, leaving storage unchanged (checked again after a restart from the same files). Bad
 * sweep specs are in {@link BadSpecsOverHttpTest}, bad tells and reports in {@link BadTellsOverHttpTest}.
 */
class ApiServerTest {
    static final String QUICKSTART = """
            name: quickstart
            objective: {metric: loss, direction: minimize}
            space:
              lr:        {type: float, low: 1.0e-4, high: 0.1, log: true}
              layers:    {type: int, low: 1, high: 4}
              optimizer: {type: categorical, choices: [adam, sgd]}
              momentum:  {type: float, low: 0.0, high: 0.99, when: {optimizer: sgd}}
            strategy: {name: random, seed: 7}
            budget: {trials: 5, parallel: 4}
            """;

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void theServerListensOnOneEventLoopPerProcessorButOneAndOnAtLeastOne() {
        assertThat(ApiServer.listeners(1)).isEqualTo(1);
        assertThat(ApiServer.listeners(2)).as("these machines: the other processor is the storage writer's").isEqualTo(1);
        assertThat(ApiServer.listeners(8)).isEqualTo(7);
    }

    void restart() {
        server.restart();
    }

    Reply call(String method, String path, String body) throws Exception {
        return server.call(method, path, body);
    }

    void assertError(Reply r, int status, ErrorCode code, String messagePart) {
        r.assertError(status, code, messagePart);
    }

    String state() throws Exception {
        return call("GET", "/api/experiments", null).body();
    }

    @Test
    void quickstartAskReportTellLeaderboardAndCompletion() throws Exception {
        Reply created = call("POST", "/api/experiments", QUICKSTART);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json()).containsEntry("name", "quickstart").containsKey("id");
        for (int i = 0; i < 5; i++) {
            Reply asked = call("POST", "/api/experiments/quickstart/trials", null);
            assertThat(asked.status()).isEqualTo(201);
            Map<String, Object> trial = asked.json();
            assertThat(trial).containsKeys("id", "number", "params");
            long id = ((Number) trial.get("id")).longValue();
            Reply report = call("POST", "/api/trials/" + id + "/reports", "{\"step\": 1, \"values\": {\"loss\": 0.5}}");
            assertThat(report.json()).containsEntry("decision", "CONTINUE");
            Reply told = call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": " + (1.0 / (i + 1)) + "}}");
            assertThat(told.status()).as(told.body()).isEqualTo(200);
        }
        assertError(call("POST", "/api/experiments/quickstart/trials", null), 409, ErrorCode.EXPERIMENT_NOT_RUNNING, "COMPLETED");
        List<Object> board = call("GET", "/api/experiments/quickstart/leaderboard?limit=2", null).array();
        assertThat(board).hasSize(2);
        assertThat(((Map<?, ?>) ((Map<?, ?>) board.getFirst()).get("values")).get("loss")).isEqualTo(0.2);
        Map<String, Object> summary = (Map<String, Object>) call("GET", "/api/experiments", null).array().getFirst();
        assertThat(summary).containsEntry("state", "COMPLETED");
        assertThat((Map<String, Object>) summary.get("trials")).containsEntry("COMPLETE", 5);
        assertThat((Map<String, Object>) summary.get("best")).containsEntry("loss", 0.2);
        assertThat(call("GET", "/health", null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null).body()).contains("tunelab_strategy_propose_seconds");
        Reply openApi = call("GET", "/api/openapi.yaml", null);
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(io.tunelab.api.Json.yamlMapper().readTree(openApi.body()).at("/paths").size()).isGreaterThan(15);
    }

    @Test
    void historyAndCurvesKeepTheirJsonShape() throws Exception {
        call("POST", "/api/experiments", QUICKSTART);
        long id = ((Number) call("POST", "/api/experiments/quickstart/trials", null).json().get("id")).longValue();
        call("POST", "/api/trials/" + id + "/reports", "{\"step\": 1, \"values\": {\"loss\": 0.5}}");
        call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.25}}");
        assertThat(call("GET", "/api/experiments/quickstart/history", null).body()).isEqualTo(
                "{\"metric\":\"loss\",\"direction\":\"minimize\",\"trial\":[" + id + "],\"number\":[0],\"value\":[0.25],\"best\":[0.25]}");
        assertThat(call("GET", "/api/experiments/quickstart/curves", null).body()).isEqualTo(
                "[{\"trial\":" + id + ",\"number\":0,\"state\":\"COMPLETE\",\"metric\":\"loss\",\"steps\":[1],\"values\":[0.5]}]");
    }

    @Test
    void aReplyIsCompressedForAClientThatAcceptsGzipAndInflatesToTheSameJson() throws Exception {
        call("POST", "/api/experiments", QUICKSTART.replace("trials: 5", "trials: 40"));
        for (int i = 0; i < 40; i++) {
            long id = ((Number) call("POST", "/api/experiments/quickstart/trials", null).json().get("id")).longValue();
            call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": " + (0.5 + i / 100.0) + "}}");
        }
        String plain = call("GET", "/api/experiments/quickstart/history", null).body();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var reply = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/experiments/quickstart/history"))
                    .header("Authorization", "Bearer " + server.adminToken()).header("Accept-Encoding", "gzip").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(reply.body().length).as("smaller than the JSON").isLessThan(plain.length());
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(reply.body()))) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(plain);
            }
        }
        assertThat(call("GET", "/api/experiments/quickstart/history", null).response().headers().firstValue("Content-Encoding"))
                .as("none for a client that did not ask").isEmpty();
    }

    @Test
    void trialsSortByACategoricalParamWhoseChoicesMixTypes() throws Exception {
        String spec = """
                {"name": "mixed", "objective": {"metric": "loss", "direction": "minimize"},
                 "space": {"c": {"type": "categorical", "choices": [1, "a", true, 2.5]}, "x": {"type": "float", "low": 0, "high": 1}},
                 "strategy": {"name": "random", "seed": 3}, "budget": {"trials": 30}}
                """;
        assertThat(call("POST", "/api/experiments", spec).status()).isEqualTo(201);
        for (int i = 0; i < 12; i++) {
            call("POST", "/api/experiments/mixed/trials", null);
        }
        Reply sorted = call("GET", "/api/experiments/mixed/trials?sort=param:c", null);
        assertThat(sorted.status()).as(sorted.body()).isEqualTo(200);
        List<Object> values = sorted.array().stream().map(t -> (Object) ((Map<?, ?>) ((Map<?, ?>) t).get("params")).get("c")).toList();
        assertThat(values).hasSize(12).map(ApiServerTest::typeRank).isSorted();
        assertThat(values).map(String::valueOf).containsAnyOf("1", "2.5").containsAnyOf("true").containsAnyOf("a");
        // The sorted view stays cached: a trial asked afterwards is registered and found.
        Reply asked = call("POST", "/api/experiments/mixed/trials", null);
        assertThat(asked.status()).as(asked.body()).isEqualTo(201);
        assertThat(call("GET", "/api/trials/" + asked.json().get("id"), null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/experiments/mixed/trials?sort=param:c&order=desc", null).array()).hasSize(13);
        // A param the experiment does not have is named with those it has, not sorted by nothing.
        Reply unknown = call("GET", "/api/experiments/mixed/trials?sort=param:zz", null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json()).containsEntry("code", "INVALID_ARGUMENT")
                .containsEntry("message", "sort: experiment mixed has no param \"zz\"; its params: c, x");
    }

    static int typeRank(Object v) {
        return v instanceof Number ? 0 : v instanceof Boolean ? 1 : 2;
    }

    @Test
    void repetitionsGiveMeanAndConfidenceInterval() throws Exception {
        call("POST", "/api/experiments", QUICKSTART);
        long id = ((Number) call("POST", "/api/experiments/quickstart/trials", null).json().get("id")).longValue();
        Reply told = call("POST", "/api/trials/" + id + "/result", """
                {"state": "COMPLETE", "repetitions": [{"values": {"loss": 1.0, "acc": 0.5}}, {"values": {"loss": 2.0, "acc": 0.6}},
                 {"values": {"loss": 3.0, "acc": 0.7}}]}""");
        assertThat(told.status()).as(told.body()).isEqualTo(200);
        Map<String, Object> trial = call("GET", "/api/trials/" + id, null).json();
        assertThat((Map<String, Object>) trial.get("values")).containsEntry("loss", 2.0);
        Map<String, Object> loss = (Map<String, Object>) ((Map<String, Object>) trial.get("statistics")).get("loss");
        assertThat(loss).containsEntry("n", 3).containsEntry("mean", 2.0).containsEntry("std", 1.0);
        // t(0.975, 2) = 4.302653; half width = 4.302653 / sqrt(3)
        assertThat((Double) loss.get("ciHigh")).isCloseTo(2.0 + 4.302653 / Math.sqrt(3), org.assertj.core.data.Offset.offset(1e-5));
        assertThat((Map<String, Object>) trial.get("statistics")).containsKey("acc");
    }

    /** Tells a trial's result; returns the trial's id. */
    long tellNew(String experiment, String result) throws Exception {
        long id = ((Number) call("POST", "/api/experiments/" + experiment + "/trials", null).json().get("id")).longValue();
        Reply told = call("POST", "/api/trials/" + id + "/result", result);
        assertThat(told.status()).as(told.body()).isEqualTo(200);
        return id;
    }

    /** A COMPLETE result with one repetition per seed: loss = base + offsets[i] on seed i. */
    static String seeded(double base, double... offsets) {
        var reps = new java.util.ArrayList<String>();
        for (int i = 0; i < offsets.length; i++) {
            reps.add("{\"seed\": " + (100 + i) + ", \"values\": {\"loss\": " + (base + offsets[i]) + "}}");
        }
        return "{\"state\": \"COMPLETE\", \"repetitions\": [" + String.join(", ", reps) + "]}";
    }

    @Test
    void leaderboardSaysWhichTrialsAreTiedWithTheBestAndWhichAreWorse() throws Exception {
        call("POST", "/api/experiments", QUICKSTART.replace("trials: 5", "trials: 10"));
        double[] noise = {0.05, -0.04, 0.02, -0.03, 0.01, 0.0};
        long best = tellNew("quickstart", seeded(1.0, noise));
        long tied = tellNew("quickstart", seeded(1.01, -0.05, 0.06, -0.02, 0.01, 0.03, -0.04));
        long worse = tellNew("quickstart", seeded(2.0, 0.05, -0.03, 0.02, -0.03, 0.02, 0.01));
        long plain = tellNew("quickstart", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 1.5}}");
        tellNew("quickstart", "{\"state\": \"PRUNED\", \"values\": {\"loss\": 0.1}}");

        Reply reply = call("GET", "/api/experiments/quickstart/leaderboard", null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Object> board = reply.array();
        assertThat(board).extracting(t -> ((Number) ((Map<?, ?>) t).get("id")).longValue()).containsExactly(best, tied, worse, plain);
        List<Map<String, Object>> ranks = board.stream().map(t -> (Map<String, Object>) ((Map<?, ?>) t).get("rank")).toList();
        assertThat(ranks).extracting(r -> r.get("group")).containsExactly("best", "tied", "worse", "unranked");
        assertThat(ranks).extracting(r -> r.get("sharedRepetitions")).containsExactly(6, 6, 6, 0);
        assertThat((Double) ranks.get(1).get("adjustedPValue")).isGreaterThan(0.05);
        assertThat((Double) ranks.get(2).get("adjustedPValue")).isLessThan(0.001);
        assertThat((String) ranks.get(3).get("note")).startsWith("ranked by value");

        Reply page = call("GET", "/api/experiments/quickstart/leaderboard?offset=1&limit=2", null);
        assertThat(page.array()).extracting(t -> ((Number) ((Map<?, ?>) t).get("id")).longValue()).containsExactly(tied, worse);

        Reply ranking = call("GET", "/api/experiments/quickstart/ranking?limit=1", null);
        assertThat(ranking.json()).containsEntry("test", "paired-t").containsEntry("alpha", 0.05);
        assertThat((List<Object>) ranking.json().get("trials")).hasSize(1);

        // A page of trials shows the same rank on each complete trial, and none on the pruned one.
        List<Object> trials = call("GET", "/api/experiments/quickstart/trials?sort=number", null).array();
        assertThat(trials).extracting(t -> ((Map<?, ?>) t).get("rank") == null ? null : (Object) ((Map<?, ?>) ((Map<?, ?>) t).get("rank")).get("group"))
                .containsExactly("best", "tied", "worse", "unranked", null);

        assertError(call("GET", "/api/experiments/quickstart/leaderboard?offset=-1", null), 400, ErrorCode.INVALID_ARGUMENT, "offset must be 0 or more");
        assertError(call("GET", "/api/experiments/quickstart/ranking?limit=0", null), 400, ErrorCode.INVALID_ARGUMENT, "limit must be from 1");
    }

    @Test
    void wilcoxonFromTheSpecAndCorrectedClippedIntervalsForFolds() throws Exception {
        call("POST", "/api/experiments", QUICKSTART.replace("name: quickstart", "name: signed") + "analysis: {test: wilcoxon, alpha: 0.1}\n");
        tellNew("signed", seeded(1.0, 0.01, 0.02, 0.03));
        assertThat(call("GET", "/api/experiments/signed/ranking", null).json()).containsEntry("test", "wilcoxon").containsEntry("alpha", 0.1);

        call("POST", "/api/experiments", """
                name: folds
                objective: {metric: accuracy, direction: maximize}
                space: {x: {type: float, low: 0, high: 1}}
                task: {dataset: {name: digits, validation: {folds: 3}}}
                """);
        long id = tellNew("folds", """
                {"state": "COMPLETE", "repetitions": [{"index": 0, "values": {"accuracy": 0.99}},
                 {"index": 1, "values": {"accuracy": 1.0}}, {"index": 2, "values": {"accuracy": 0.97}}]}""");
        Map<String, Object> stats = (Map<String, Object>) ((Map<String, Object>) call("GET", "/api/trials/" + id, null).json()
                .get("statistics")).get("accuracy");
        // Corrected for 3 overlapping folds: t(0.975, 2) * s * sqrt(1/3 + 1/2), cut at 1.0.
        double std = (Double) stats.get("std");
        assertThat((Double) stats.get("ciLow")).isCloseTo(0.98667 - 4.302653 * std * Math.sqrt(1.0 / 3 + 0.5),
                org.assertj.core.data.Offset.offset(1e-4));
        assertThat(stats).containsEntry("ciHigh", 1.0);
        assertThat(call("GET", "/api/experiments/folds/ranking", null).json()).containsEntry("test", "corrected-t");
    }

    static final String HELD_OUT = """
            name: held-out
            objective: {metric: accuracy, direction: maximize}
            space: {x: {type: float, low: 0, high: 1}}
            strategy: {name: random, seed: 3}
            budget: {trials: 2}
            task: {dataset: {name: iris, test: 0.2, validation: {folds: 3}}}
            """;

    /** A COMPLETE result over three folds, each with the epoch its best weights came from. */
    static String folds(double a, double b, double c, int bestEpoch) {
        return "{\"state\": \"COMPLETE\", \"repetitions\": [" + String.join(", ",
                "{\"index\": 0, \"values\": {\"accuracy\": " + a + ", \"best_epoch\": " + bestEpoch + "}}",
                "{\"index\": 1, \"values\": {\"accuracy\": " + b + ", \"best_epoch\": " + (bestEpoch + 1) + "}}",
                "{\"index\": 2, \"values\": {\"accuracy\": " + c + ", \"best_epoch\": " + (bestEpoch + 2) + "}}") + "]}";
    }

    @Test
    void aCompletedExperimentWithATestSplitHasItsWinnerRefitByAWorkerAndScoredOnce() throws Exception {
        call("POST", "/api/experiments", HELD_OUT);
        assertError(call("POST", "/api/experiments/held-out/finalize", null), 409, ErrorCode.INVALID_STATE, "no complete trial");
        tellNew("held-out", folds(0.90, 0.92, 0.91, 4));
        long winner = tellNew("held-out", folds(0.95, 0.97, 0.96, 7));
        // Completing the experiment asked for the finalization of the winner.
        Map<String, Object> waiting = call("GET", "/api/experiments/held-out/finalization", null).json();
        assertThat(waiting).containsEntry("trialId", (int) winner).containsEntry("state", "WAITING").containsEntry("epochs", 8);
        assertThat((Map<String, Object>) waiting.get("selection")).containsEntry("n", 3);

        Reply leased = call("POST", "/api/leases", "{\"worker\": \"w:1\"}");
        assertThat(leased.status()).as(leased.body()).isEqualTo(200);
        Map<String, Object> lease = leased.json();
        assertThat((Map<String, Object>) lease.get("finalization")).containsEntry("epochs", 8).containsEntry("state", "RUNNING");
        assertThat((Map<String, Object>) lease.get("trial")).containsEntry("id", (int) winner);
        String leaseId = (String) lease.get("leaseId");
        assertThat(call("POST", "/api/trials/" + winner + "/heartbeat", "{\"leaseId\": \"" + leaseId + "\"}").status()).isEqualTo(200);
        assertError(call("POST", "/api/trials/" + winner + "/test", "{\"values\": {}, \"leaseId\": \"" + leaseId + "\"}"),
                400, ErrorCode.INVALID_VALUE, "needs values");
        assertError(call("POST", "/api/trials/" + winner + "/test", "{\"values\": {\"accuracy\": 0.9}, \"leaseId\": \"other\"}"),
                409, ErrorCode.LEASE_LOST, "expired or was never given");
        Reply told = call("POST", "/api/trials/" + winner + "/test", "{\"values\": {\"accuracy\": 0.93}, \"leaseId\": \"" + leaseId + "\"}");
        assertThat(told.status()).as(told.body()).isEqualTo(200);

        restart();
        Map<String, Object> trial = call("GET", "/api/trials/" + winner, null).json();
        Map<String, Object> finalization = (Map<String, Object>) trial.get("finalization");
        assertThat(finalization).containsEntry("state", "COMPLETE").containsEntry("worker", "w:1");
        assertThat((Map<String, Object>) finalization.get("test")).containsEntry("accuracy", 0.93);
        assertThat((Map<String, Object>) finalization.get("selection")).containsEntry("mean", 0.96);
        Map<String, Object> top = (Map<String, Object>) call("GET", "/api/experiments/held-out/leaderboard", null).array().getFirst();
        assertThat(((Map<String, Object>) top.get("finalization")).get("test")).isEqualTo(Map.of("accuracy", 0.93));
        // Asking again for the same winner answers the finalization that is done.
        assertThat(call("POST", "/api/experiments/held-out/finalize", null).json()).containsEntry("state", "COMPLETE");
        assertThat(call("POST", "/api/leases", "{\"worker\": \"w:1\"}").status()).isEqualTo(204);
    }

    @Test
    void anSdkUserRecordsTheTestScoreOfTheirOwnWinner() throws Exception {
        call("POST", "/api/experiments", QUICKSTART);
        assertError(call("POST", "/api/experiments/quickstart/finalize", null), 409, ErrorCode.INVALID_STATE, "no task");
        long id = tellNew("quickstart", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.3}}");
        Object open = call("POST", "/api/experiments/quickstart/trials", null).json().get("id");
        assertError(call("POST", "/api/trials/" + open + "/test", "{\"values\": {\"loss\": 0.4}}"), 409, ErrorCode.INVALID_STATE,
                "only a COMPLETE trial");
        assertError(call("POST", "/api/trials/" + id + "/test", "{\"values\": {\"loss\": NaN}}"), 400, ErrorCode.INVALID_VALUE, "finite");
        assertError(call("POST", "/api/trials/" + id + "/test", "{\"error\": \"no\"}"), 400, ErrorCode.INVALID_VALUE, "only the worker");
        assertError(call("GET", "/api/experiments/quickstart/finalization", null), 404, ErrorCode.NOT_FOUND, "no finalization");
        Reply told = call("POST", "/api/trials/" + id + "/test", "{\"values\": {\"loss\": 0.35}}");
        assertThat(told.status()).as(told.body()).isEqualTo(200);
        Map<String, Object> f = call("GET", "/api/experiments/quickstart/finalization", null).json();
        assertThat(f).containsEntry("trialId", (int) id).containsEntry("state", "COMPLETE");
        assertThat((Map<String, Object>) f.get("test")).containsEntry("loss", 0.35);
        assertThat((Map<String, Object>) f.get("selection")).containsEntry("mean", 0.3);

        call("POST", "/api/experiments", HELD_OUT.replace("held-out", "no-test").replace("test: 0.2, ", ""));
        tellNew("no-test", folds(0.9, 0.9, 0.9, 3));
        assertError(call("POST", "/api/experiments/no-test/finalize", null), 409, ErrorCode.INVALID_STATE, "no test split");
    }

    @Test
    void paretoFrontOfTwoObjectives() throws Exception {
        call("POST", "/api/experiments", """
                {"name": "two", "objectives": [{"metric": "error", "direction": "minimize"}, {"metric": "speed", "direction": "maximize"}],
                 "space": {"x": {"type": "float", "low": 0, "high": 1}}, "strategy": {"name": "random", "seed": 1}}""");
        double[][] values = {{0.1, 1}, {0.2, 5}, {0.3, 4}, {0.05, 0.5}};
        for (double[] v : values) {
            Object id = call("POST", "/api/experiments/two/trials", null).json().get("id");
            call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"error\":" + v[0] + ",\"speed\":" + v[1] + "}}");
        }
        List<Object> front = call("GET", "/api/experiments/two/pareto", null).array();
        assertThat(front.stream().map(t -> (Object) ((Map<?, ?>) t).get("number")).toList()).containsExactly(0, 1, 3);
    }

    @Test
    void aLeaseForAWorkerWithoutANameOrWithAnOverlongOneIsRefused() throws Exception {
        assertError(call("POST", "/api/leases", "{\"runners\":[\"dl4j\"],\"waitSeconds\":0}"), 400, ErrorCode.INVALID_ARGUMENT,
                "worker must name the worker");
        assertError(call("POST", "/api/leases", "{\"worker\":\"" + "w".repeat(201) + "\",\"waitSeconds\":0}"), 400,
                ErrorCode.INVALID_ARGUMENT, "worker is 201 characters long; at most 200");
    }

    @Test
    void askOnPausedOrStoppedOrUnknownIsRefused() throws Exception {
        call("POST", "/api/experiments", QUICKSTART);
        call("POST", "/api/experiments/quickstart/pause", null);
        String before = state();
        assertError(call("POST", "/api/experiments/quickstart/trials", null), 409, ErrorCode.EXPERIMENT_NOT_RUNNING, "PAUSED");
        call("POST", "/api/experiments/quickstart/stop", null);
        assertError(call("POST", "/api/experiments/quickstart/trials", null), 409, ErrorCode.EXPERIMENT_NOT_RUNNING, "STOPPED");
        assertError(call("POST", "/api/experiments/nope/trials", null), 404, ErrorCode.NOT_FOUND, "no experiment with id or name \"nope\"");
        assertError(call("GET", "/api/experiments/nope", null), 404, ErrorCode.NOT_FOUND, "nope");
        assertError(call("POST", "/api/experiments/nope/pause", null), 404, ErrorCode.NOT_FOUND, "nope");
        assertError(call("GET", "/api/experiments/quickstart/trials?limit=0", null), 400, ErrorCode.INVALID_ARGUMENT, "limit");
        call("POST", "/api/experiments/quickstart/resume", null);
        String running = state();
        assertError(call("POST", "/api/experiments/quickstart/trials", "{\"lease\": \"yes\"}"), 400, ErrorCode.MALFORMED_BODY, "lease");
        assertError(call("POST", "/api/experiments/quickstart/trials", "{\"leese\": true}"), 400, ErrorCode.MALFORMED_BODY, "unknown field \"leese\"");
        assertError(call("POST", "/api/experiments/quickstart/pause", "{\"reason\": \"lunch\"}"), 400, ErrorCode.MALFORMED_BODY,
                "a pause takes no fields; send no body or {}, got \"reason\"");
        assertError(call("POST", "/api/experiments/quickstart/stop", "[1]"), 400, ErrorCode.MALFORMED_BODY,
                "a stop takes no fields; send no body or {}, got array");
        assertError(call("POST", "/api/experiments/quickstart/finalize", "{\"trial\": 3}"), 400, ErrorCode.MALFORMED_BODY,
                "a finalize takes no fields");
        assertThat(state()).isEqualTo(running);
        assertThat(call("POST", "/api/experiments/quickstart/pause", "{}").status()).isEqualTo(200);
        call("POST", "/api/experiments/quickstart/resume", null);
        call("POST", "/api/experiments/quickstart/stop", null);
        assertError(call("GET", "/api/experiments/quickstart/trials?sort=colour", null), 400, ErrorCode.INVALID_ARGUMENT, "sort");
        assertError(call("GET", "/api/experiments/quickstart/trials?state=DONE", null), 400, ErrorCode.INVALID_ARGUMENT, "state");
        assertError(call("GET", "/api/experiments/quickstart/leaderboard?limit=x", null), 400, ErrorCode.INVALID_ARGUMENT, "integer");
        assertError(call("POST", "/api/experiments/quickstart/pause", null), 409, ErrorCode.INVALID_STATE, "only a RUNNING");
        assertError(call("GET", "/api/nothing-here", null), 404, ErrorCode.NOT_FOUND, "no API route");
    }

    @Test
    void resumeWithMoreBudgetContinuesTheSameExperimentAfterRestart() throws Exception {
        call("POST", "/api/experiments", QUICKSTART.replace("name: random, seed: 7", "name: grid, seed: 7")
                .replace("lr:        {type: float, low: 1.0e-4, high: 0.1, log: true}", "lr: {type: float, low: 0.1, high: 0.3, step: 0.1}")
                .replace("momentum:  {type: float, low: 0.0, high: 0.99, when: {optimizer: sgd}}", "momentum: {type: categorical, choices: [0.5, 0.9], when: {optimizer: sgd}}"));
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> t = call("POST", "/api/experiments/quickstart/trials", null).json();
            assertThat(seen.add(t.get("params").toString())).isTrue();
            call("POST", "/api/trials/" + t.get("id") + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":" + i + "}}");
        }
        restart();
        assertError(call("POST", "/api/experiments/quickstart/resume", null), 409, ErrorCode.BUDGET_EXHAUSTED, "raise it");
        assertError(call("POST", "/api/experiments/quickstart/resume", "{\"budget\": {\"trials\": 2}}"), 400, ErrorCode.INVALID_ARGUMENT, "below");
        Reply resumed = call("POST", "/api/experiments/quickstart/resume", "{\"budget\": {\"trials\": 36}}");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        // 3 lr × 4 layers × (adam + sgd × 2 momenta) = 36 points: the grid proposes each once.
        for (int i = 5; i < 36; i++) {
            Map<String, Object> t = call("POST", "/api/experiments/quickstart/trials", null).json();
            assertThat(((Number) t.get("number")).intValue()).isEqualTo(i);
            assertThat(seen.add(t.get("params").toString())).as("trial %s repeats %s", i, t.get("params")).isTrue();
            call("POST", "/api/trials/" + t.get("id") + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":" + i + "}}");
        }
        assertThat(call("GET", "/api/experiments/quickstart", null).json()).containsEntry("state", "COMPLETED");
    }
}
