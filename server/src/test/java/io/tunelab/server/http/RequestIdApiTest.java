package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.TrialResult;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request ids over real HTTP: a retried ask or tell with the same id answers the first answer
 * and changes nothing, also after a restart; the same id with another body or from another token,
 * or an ask's id for another ask, is refused with 400, answers nothing of the first and changes
 * nothing; a tell's id is kept with its trial; a malformed or overlong id is refused with 400 and
 * changes nothing; and the SDK given several server URLs goes on to the next one that answers.
 */
class RequestIdApiTest {
    private static final String SPEC = """
            {"name": "ids", "objectives": [{"metric": "loss", "direction": "minimize"}],
             "space": {"x": {"type": "float", "low": 0, "high": 1}},
             "strategy": {"name": "random", "seed": 3}, "budget": {"trials": 20}}
            """;

    @RegisterExtension
    final TestServer server = new TestServer();

    private HttpResponse<String> post(String path, String body, String requestId) throws Exception {
        return server.call("POST", path, body, requestId == null ? Map.of() : Map.of(RequestId.HEADER, requestId)).response();
    }

    private int trialCount() {
        return server.client().trials("ids").size();
    }

    @Test
    void aRetriedAskOrTellWithTheSameIdAnswersTheFirstAnswerAndIsAppliedOnce() throws Exception {
        assertThat(post("/api/experiments", SPEC, null).statusCode()).isEqualTo(201);
        var first = post("/api/experiments/ids/trials", "{}", "ask-1");
        var retried = post("/api/experiments/ids/trials", "{}", "ask-1");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retried.statusCode()).isEqualTo(201);
        assertThat(Json.read(retried.body(), Map.class)).isEqualTo(Json.read(first.body(), Map.class));
        assertThat(trialCount()).isEqualTo(1);

        long id = ((Number) Json.read(first.body(), Map.class).get("id")).longValue();
        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));
        var told = post("/api/trials/" + id + "/result", result, "tell-1");
        assertThat(told.statusCode()).isEqualTo(200);
        // Without an id a second tell is refused as before; with the first one's id it gets the first answer.
        assertThat(post("/api/trials/" + id + "/result", result, null).statusCode()).isEqualTo(409);
        server.restart();
        var again = post("/api/trials/" + id + "/result", result, "tell-1");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.read(again.body(), Map.class)).isEqualTo(Json.read(told.body(), Map.class));
        assertThat(Json.read(post("/api/experiments/ids/trials", "{}", "ask-1").body(), Map.class))
                .isEqualTo(Json.read(first.body(), Map.class));
        assertThat(trialCount()).isEqualTo(1);
    }

    @Test
    void aRetriedTellWithNextAnswersTheSameNextTrialAlsoAfterARestartAndAsksNoOther() throws Exception {
        assertThat(post("/api/experiments", SPEC, null).statusCode()).isEqualTo(201);
        long id = ((Number) Json.read(post("/api/experiments/ids/trials", "{}", null).body(), Map.class).get("id")).longValue();
        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));
        String body = result.substring(0, result.lastIndexOf('}')) + ", \"next\": true}";
        var first = post("/api/trials/" + id + "/result", body, "tell-next-1");
        assertThat(first.statusCode()).isEqualTo(200);
        Map<?, ?> next = (Map<?, ?>) Json.read(first.body(), Map.class).get("next");
        assertThat(next.get("number")).isEqualTo(1);

        var retried = post("/api/trials/" + id + "/result", body, "tell-next-1");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(Json.read(retried.body(), Map.class)).isEqualTo(Json.read(first.body(), Map.class));
        assertThat(trialCount()).isEqualTo(2);
        server.restart();
        assertThat(Json.read(post("/api/trials/" + id + "/result", body, "tell-next-1").body(), Map.class))
                .isEqualTo(Json.read(first.body(), Map.class));
        assertThat(trialCount()).isEqualTo(2);
        // Another tell with next under its own id gets a new trial, as before.
        long nextId = ((Number) next.get("id")).longValue();
        Map<?, ?> after = Json.read(post("/api/trials/" + nextId + "/result", body, "tell-next-2").body(), Map.class);
        assertThat(((Map<?, ?>) after.get("next")).get("number")).isEqualTo(2);
        assertThat(trialCount()).isEqualTo(3);
    }

    @Test
    void anIdReusedWithAnotherBodyIsRefusedAndChangesNothing() throws Exception {
        assertThat(post("/api/experiments", SPEC, null).statusCode()).isEqualTo(201);
        var asked = post("/api/experiments/ids/trials", "{}", "ask-b");
        long id = ((Number) Json.read(asked.body(), Map.class).get("id")).longValue();
        // The ask again under its id, now asking for a lease: not the same request.
        assertReused(post("/api/experiments/ids/trials", "{\"lease\": true}", "ask-b"), "with another body");
        assertThat(trialCount()).isEqualTo(1);

        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));
        assertThat(post("/api/trials/" + id + "/result", result, "tell-b").statusCode()).isEqualTo(200);
        for (String changed : List.of(Json.write(TrialResult.complete(Map.of("loss", 0.1))),
                result.substring(0, result.lastIndexOf('}')) + ", \"next\": true}")) {
            assertReused(post("/api/trials/" + id + "/result", changed, "tell-b"), "with another body");
        }
        server.restart();
        assertReused(post("/api/trials/" + id + "/result", Json.write(TrialResult.complete(Map.of("loss", 0.1))), "tell-b"),
                "with another body");
        assertThat(server.client().trial(id).values()).isEqualTo(Map.of("loss", 0.5));
        assertThat(trialCount()).as("no next trial was handed out").isEqualTo(1);
        // The retry with the first body is still answered.
        assertThat(post("/api/trials/" + id + "/result", result, "tell-b").statusCode()).isEqualTo(200);

        assertThat(post("/api/experiments/ids/trials/enqueue", "{\"params\": {\"x\": 0.25}}", "enq-b").statusCode()).isEqualTo(201);
        assertReused(post("/api/experiments/ids/trials/enqueue", "{\"params\": {\"x\": 0.75}}", "enq-b"), "with another body");
        assertThat(server.client().trials("ids")).extracting(t -> t.params().get("x")).doesNotContain(0.75);
    }

    @Test
    void anIdReusedByAnotherTokenIsRefusedWithoutTheFirstAnswer() throws Exception {
        assertThat(post("/api/experiments", SPEC, null).statusCode()).isEqualTo(201);
        var asked = post("/api/experiments/ids/trials", "{\"lease\": true}", "ask-t");
        Map<?, ?> proposal = Json.read(asked.body(), Map.class);
        String lease = (String) proposal.get("leaseId");
        assertThat(lease).isNotBlank();
        String other = "Bearer " + server.client().createToken("other", List.of("write", "worker")).secret();

        var reused = server.call("POST", "/api/experiments/ids/trials", "{\"lease\": true}",
                Map.of(RequestId.HEADER, "ask-t", "Authorization", other)).response();
        assertReused(reused, "by another token");
        assertThat(reused.body()).doesNotContain(lease).doesNotContain("ask:");
        assertThat(trialCount()).isEqualTo(1);

        long id = ((Number) proposal.get("id")).longValue();
        String result = Json.write(new TrialResult(io.tunelab.api.TrialState.COMPLETE, Map.of("loss", 0.5), null, null, lease, null));
        assertThat(post("/api/trials/" + id + "/result", result, "tell-t").statusCode()).isEqualTo(200);
        assertReused(server.call("POST", "/api/trials/" + id + "/result", result, Map.of(RequestId.HEADER, "tell-t",
                "Authorization", other)).response(), "by another token");
        // The first token's retry is answered as before.
        assertThat(Json.read(post("/api/experiments/ids/trials", "{\"lease\": true}", "ask-t").body(), Map.class)).isEqualTo(proposal);
    }

    /** {@code reply} refuses an id used before {@code why} ("by another token", "with another body"), with 400. */
    static void assertReused(HttpResponse<String> reply, String why) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        Map<?, ?> body = Json.read(reply.body(), Map.class);
        assertThat(body.get("code")).isEqualTo(ErrorCode.INVALID_ARGUMENT.name());
        assertThat((String) body.get("message")).contains(why).contains("own id");
    }

    @Test
    void anAsksIdUsedForAnAskOfAnotherExperimentIsRefusedAndChangesNothing() throws Exception {
        post("/api/experiments", SPEC, null);
        post("/api/experiments", SPEC.replace("\"ids\"", "\"ids-2\""), null);
        post("/api/experiments/ids/trials", "{}", "same-id");

        var reused = post("/api/experiments/ids-2/trials", "{}", "same-id");

        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.body()).contains("INVALID_ARGUMENT").contains("was used for ask");
        assertThat(Json.read(post("/api/experiments/ids-2/trials", "{}", "other").body(), Map.class).get("number"))
                .as("the refused ask made no trial").isEqualTo(0);
    }

    @Test
    void aTellsIdIsKeptWithItsTrialSoATellUnderAnAsksIdIsItsOwnRequestAndEachRetryGetsItsOwnAnswer() throws Exception {
        post("/api/experiments", SPEC, null);
        var asked = post("/api/experiments/ids/trials", "{}", "same-id");
        long id = ((Number) Json.read(asked.body(), Map.class).get("id")).longValue();
        String result = Json.write(TrialResult.complete(Map.of("loss", 0.5)));

        var told = post("/api/trials/" + id + "/result", result, "same-id");

        assertThat(told.statusCode()).as(told.body()).isEqualTo(200);
        assertThat(post("/api/trials/" + id + "/result", result, "same-id").body()).isEqualTo(told.body());
        assertThat(Json.read(post("/api/experiments/ids/trials", "{}", "same-id").body(), Map.class))
                .as("the ask's retry, its first answer").isEqualTo(Json.read(asked.body(), Map.class));
        assertThat(trialCount()).isEqualTo(1);
    }

    @Test
    void aMalformedOrOverlongIdIsRefusedWith400AndChangesNothing() throws Exception {
        post("/api/experiments", SPEC, null);
        assertMalformedIdsRefused(bad -> post("/api/experiments/ids/trials", "{}", bad));
        assertThat(trialCount()).isZero();
    }

    /** A request under each of a few malformed or overlong ids, as {@code send} sends it, is refused with 400 naming the rule. */
    static void assertMalformedIdsRefused(Send send) throws Exception {
        for (String bad : List.of("has space", "x".repeat(RequestId.MAX_LENGTH + 1), "semi;colon", "é")) {
            var r = send.under(bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            Map<?, ?> body = Json.read(r.body(), Map.class);
            assertThat(body.get("code")).isEqualTo(ErrorCode.INVALID_ARGUMENT.name());
            assertThat((String) body.get("message")).contains("request id").contains("1 to " + RequestId.MAX_LENGTH);
        }
    }

    /** One request sent under a request id. */
    @FunctionalInterface
    interface Send {
        HttpResponse<String> under(String requestId) throws Exception;
    }

    @Test
    void theSdkGoesOnToTheNextServerWhenOneCannotBeReached() throws Exception {
        post("/api/experiments", SPEC, null);
        int closedPort;
        try (var s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String urls = "http://127.0.0.1:" + closedPort + ", http://127.0.0.1:" + server.port();
        try (var client = TunelabClient.connect(urls, server.adminToken())) {
            assertThat(client.urls()).hasSize(2);
            var proposal = client.ask("ids");
            client.result(proposal.id(), TrialResult.complete(Map.of("loss", 0.2)));
            assertThat(client.url().getPort()).isEqualTo(server.port());
            assertThat(client.trials("ids")).singleElement().satisfies(t -> assertThat(t.values()).containsEntry("loss", 0.2));
        }
    }
    @Test
    void aBatchAskRetriedUnderItsIdAnswersTheSameTrialsAlsoAfterARestartAndAnotherBodyIsRefused() throws Exception {
        assertThat(post("/api/experiments", SPEC, null).statusCode()).isEqualTo(201);
        var first = post("/api/experiments/ids/trials/batch", "{\"count\": 3, \"lease\": true}", "batch-1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        List<?> trials = Json.read(first.body(), List.class);
        assertThat(trials).hasSize(3);
        assertThat(Json.read(post("/api/experiments/ids/trials/batch", "{\"count\": 3, \"lease\": true}", "batch-1").body(), List.class))
                .isEqualTo(trials);
        server.restart();
        assertThat(Json.read(post("/api/experiments/ids/trials/batch", "{\"count\": 3, \"lease\": true}", "batch-1").body(), List.class))
                .isEqualTo(trials);
        var otherBody = post("/api/experiments/ids/trials/batch", "{\"count\": 2, \"lease\": true}", "batch-1");
        assertReused(otherBody, "with another body");
        assertThat((String) Json.read(otherBody.body(), Map.class).get("message")).as("it names the id the batch carried")
                .contains("request id \"batch-1\" was used for ask:").contains("with another body").doesNotContain("~b:");
        String other = "Bearer " + server.client().createToken("batcher", List.of("write", "worker")).secret();
        var anotherToken = server.call("POST", "/api/experiments/ids/trials/batch", "{\"count\": 3, \"lease\": true}",
                Map.of(RequestId.HEADER, "batch-1", "Authorization", other)).response();
        assertReused(anotherToken, "by another token");
        assertThat((String) Json.read(anotherToken.body(), Map.class).get("message")).contains("request id \"batch-1\"")
                .doesNotContain("~b:");
        assertThat(trialCount()).isEqualTo(3);
        assertThat(Json.read(post("/api/experiments/ids/trials/batch", "{\"count\": 3, \"lease\": true}", "batch-2").body(), List.class))
                .as("another id is another batch").hasSize(3).doesNotContainAnyElementsOf(trials);
        assertThat(trialCount()).isEqualTo(6);
    }

    @Test
    void aBatchCutOffPartWayIsCompletedWhenItIsSentAgain() {
        var service = server.api().coordinator().experiments();
        service.create(io.tunelab.api.ExperimentSpec.builder("cut").minimize("loss").param("x", io.tunelab.api.FloatParam.of(0, 1))
                .trials(20).build());
        // An in-process key matches whatever its id stored: the first trial stands for a batch a kill cut off after one.
        var handedOut = service.ask("cut", 1, true, io.tunelab.server.experiment.RequestKey.of("batch-cut"));
        var resent = service.ask("cut", 3, true, io.tunelab.server.experiment.RequestKey.of("batch-cut"));
        assertThat(resent).hasSize(3).startsWith(handedOut.getFirst());
        assertThat(server.client().trials("cut")).hasSize(3);
        assertThat(service.ask("cut", 3, true, io.tunelab.server.experiment.RequestKey.of("batch-cut"))).isEqualTo(resent);
    }

    @Test
    void aBatchSentTwiceAtOnceUnderOneIdAnswersTheSameTrialsBothTimesWhenTheBudgetRunsOutWithIt() throws Exception {
        var service = server.api().coordinator().experiments();
        for (int round = 0; round < 20; round++) {
            String name = "twice-" + round;
            service.create(io.tunelab.api.ExperimentSpec.builder(name).minimize("loss").param("x", io.tunelab.api.FloatParam.of(0, 1))
                    .trials(3).build());
            var key = io.tunelab.server.experiment.RequestKey.of("batch-" + round);
            var start = new java.util.concurrent.CountDownLatch(1);
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var one = threads.submit(() -> {
                    start.await();
                    return service.ask(name, 3, true, key);
                });
                var other = threads.submit(() -> {
                    start.await();
                    return service.ask(name, 3, true, key);
                });
                start.countDown();
                assertThat(one.get()).as("round %d", round).hasSize(3).isEqualTo(other.get());
            }
            assertThat(server.client().trials(name)).hasSize(3);
        }
    }
}
