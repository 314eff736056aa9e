package io.tunelab.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.TellReply;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the client puts on the wire for an ask and a tell, and how it reads what comes back:
 * against a small in-process HTTP server that records each request and answers as told.
 */
class TunelabClientWireTest {
    private record Seen(String method, String path, String requestId, String authorization, String contentType, String body,
                        String prefer) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String reply = "{}";
    private HttpServer server;
    private TunelabClient client;
    /** How many requests from now on are answered as a stopping server answers a write it did not apply. */
    private final java.util.concurrent.atomic.AtomicInteger stoppingReplies = new java.util.concurrent.atomic.AtomicInteger();
    private static final String STOPPING = "{\"code\": \"UNAVAILABLE\", \"message\": \"the server is shutting down; retry against "
            + "the restarted server\", \"details\": {}}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        client = TunelabClient.connect("http://127.0.0.1:" + server.getAddress().getPort(), "tl_secret");
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        var h = exchange.getRequestHeaders();
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), h.getFirst(RequestId.HEADER),
                h.getFirst("Authorization"), h.getFirst("Content-Type"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), h.getFirst("Prefer")));
        boolean stopping = stoppingReplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        byte[] body = (stopping ? STOPPING : reply).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(stopping ? 503 : status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** A write without a request id, which no stopping server's refusal sends again. */
    private static Transport.Request releaseWithoutId() {
        return new Transport.Request("POST", "/api/trials/7/release", TunelabClient.json("{\"leaseId\": \"l-1\"}"
                .getBytes(StandardCharsets.UTF_8)), null);
    }

    @Test
    void aReplyWithAFieldANewerServerAddedIsReadAndAnErrorWithOneToo() {
        reply = "{\"id\": 7, \"number\": 3, \"params\": {\"lr\": 0.01}, \"addedLater\": {\"any\": [1, 2]}}";

        assertThat(client.ask("sweep one")).isEqualTo(new TrialProposal(7, 3, Map.of("lr", 0.01)));

        status = 409;
        reply = "{\"code\": \"TRIAL_FINISHED\", \"message\": \"trial 7 is COMPLETE already\", \"details\": {}, \"hint\": \"later\"}";
        assertThatThrownBy(() -> client.ask("sweep one")).isInstanceOf(TunelabException.TrialFinished.class)
                .hasMessage("trial 7 is COMPLETE already");

        status = 200;
        reply = "{\"id\": \"seven\", \"number\": 3, \"params\": {}}";
        assertThatThrownBy(() -> client.ask("sweep one")).as("a known field of the wrong type is still refused")
                .isInstanceOf(TunelabException.Unavailable.class).hasMessageContaining("not Tunelab JSON");
    }

    @Test
    void anAskCarriesAFreshRequestIdAndTheTokenAndReadsTheProposal() {
        reply = "{\"id\": 7, \"number\": 3, \"params\": {\"lr\": 0.01, \"optimizer\": \"adam\"}}";
        TrialProposal first = client.ask("sweep one");
        TrialProposal second = client.ask("sweep one");

        assertThat(first).isEqualTo(new TrialProposal(7, 3, Map.of("lr", 0.01, "optimizer", "adam")));
        assertThat(second).isEqualTo(first);
        assertThat(seen).extracting(Seen::method, Seen::path, Seen::authorization, Seen::contentType, Seen::body)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("POST", "/api/experiments/sweep one/trials", "Bearer tl_secret",
                        "application/json", "{}"));
        assertThat(seen.get(0).requestId()).isNotBlank().hasSizeLessThanOrEqualTo(RequestId.MAX_LENGTH)
                .isNotEqualTo(seen.get(1).requestId());
    }

    @Test
    void aLeasedAskSaysSo() {
        reply = "{\"id\": 7, \"number\": 3, \"params\": {}, \"leaseId\": \"l-1\"}";
        assertThat(client.askLeased("1").leaseId()).isEqualTo("l-1");
        assertThat(Json.tree(seen.getFirst().body()).get("lease").asBoolean()).isTrue();
    }

    @Test
    void aTellSendsTheResultUnderARequestIdAndDoesNotNeedItsReplyToBeJson() {
        reply = "the stored trial, which the caller does not read";
        client.result(7, TrialResult.complete(Map.of("loss", 0.25)));

        Seen tell = seen.getFirst();
        assertThat(tell.path()).isEqualTo("/api/trials/7/result");
        assertThat(tell.requestId()).isNotBlank();
        assertThat(Json.read(tell.body(), TrialResult.class)).isEqualTo(TrialResult.complete(Map.of("loss", 0.25)));
        assertThat(tell.prefer()).as("it asks for no reply body").isEqualTo("return=minimal");

        reply = "{\"id\": 8, \"number\": 4, \"params\": {}}";
        client.ask("sweep one");
        assertThat(seen.getLast().prefer()).as("an ask reads its reply").isNull();
    }

    @Test
    void aRefusedTellIsThrownAsTheExceptionOfItsCode() {
        status = 409;
        reply = "{\"code\": \"LEASE_LOST\", \"message\": \"trial 7's lease expired\", \"details\": {\"trial\": 7}}";
        assertThatThrownBy(() -> client.result(7, TrialResult.complete(Map.of("loss", 0.25))))
                .isInstanceOfSatisfying(TunelabException.LeaseLost.class, e -> assertThat(e.details()).containsEntry("trial", 7))
                .hasMessage("trial 7's lease expired");
    }

    @Test
    void aReplyThatIsNotTunelabJsonNamesTheServer() {
        status = 502;
        reply = "<html>Bad Gateway</html>";
        assertThatThrownBy(() -> client.result(7, TrialResult.complete(Map.of("loss", 0.25))))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("HTTP 502 from " + client.url()).hasMessageContaining("Bad Gateway");
        status = 200;
        assertThatThrownBy(() -> client.ask("1")).isInstanceOfSatisfying(TunelabException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("not Tunelab JSON");
    }

    @Test
    void aTellWithNextSendsTheResultsFieldsAndNextAndReadsTheNextTrial() {
        var result = new TrialResult(TrialState.PRUNED, Map.of("loss", 0.5), null, null, "l-1", Map.of("host", "a"));
        reply = "{\"trial\": 7, \"state\": \"PRUNED\", \"next\": {\"id\": 8, \"number\": 4, \"params\": {\"lr\": 0.1}, \"leaseId\": \"l-2\"}}";
        TellReply answer = handle().tellThenAsk(7, result);

        assertThat(answer).isEqualTo(new TellReply(7, TrialState.PRUNED, new TrialProposal(8, 4, Map.of("lr", 0.1), "l-2"), null));
        JsonNode expected = Json.mapper().valueToTree(result);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("next", true);
        assertThat(Json.tree(seen.getFirst().body())).isEqualTo(expected);
        assertThat(seen.getFirst().requestId()).as("a retry must get the same answer").isNotBlank();
    }

    @Test
    void aTellWithNextOfEveryKindOfResultWritesTheResultsOwnFields() {
        reply = "{\"trial\": 7, \"state\": \"FAILED\", \"noNext\": {\"code\": \"BUDGET_EXHAUSTED\", \"message\": \"no trials left\"}}";
        for (TrialResult result : List.of(TrialResult.failed("boom"), TrialResult.complete(Map.of()),
                TrialResult.ofRepetitions(List.of(new io.tunelab.api.Repetition(0, null, Map.of("loss", 1.0)))))) {
            seen.clear();
            assertThat(handle().tellThenAsk(7, result).noNext().code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED);
            var body = Json.readBeside(seen.getFirst().body(), TrialResult.class, "next");
            assertThat(body.field().asBoolean()).isTrue();
            assertThat(body.value()).isEqualTo(result);
        }
    }

    private ExperimentHandle handle() {
        var spec = ExperimentSpec.builder("sweep").minimize("loss").param("lr", FloatParam.log(1e-5, 1)).build();
        return new ExperimentHandle(client, new Experiment(1, "sweep", ExperimentState.RUNNING, spec, 0, null, null, null));
    }

    @Test
    void trialsReadsEveryPageNotOnlyTheFirst() throws IOException {
        var paged = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var queries = new CopyOnWriteArrayList<String>();
        paged.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            queries.add(query);
            var p = new java.util.HashMap<String, Integer>();
            for (String kv : query.split("&")) {
                String[] pair = kv.split("=");
                if (!pair[0].equals("sort")) {
                    p.put(pair[0], Integer.parseInt(pair[1]));
                }
            }
            var page = new java.util.ArrayList<String>();
            for (int n = p.get("offset"); n < Math.min(25, p.get("offset") + p.get("limit")); n++) {
                page.add("{\"id\": " + (100 + n) + ", \"experimentId\": 1, \"number\": " + n + ", \"state\": \"COMPLETE\"}");
            }
            byte[] body = ("[" + String.join(",", page) + "]").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Total-Count", "25");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        paged.start();
        try (var c = TunelabClient.connect("http://127.0.0.1:" + paged.getAddress().getPort(), "tl_secret")) {
            var trials = c.trials("sweep", 10);

            assertThat(trials).extracting(t -> t.number()).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).boxed().toList());
            assertThat(queries).containsExactly("sort=number&offset=0&limit=10", "sort=number&offset=10&limit=10",
                    "sort=number&offset=20&limit=10");
        } finally {
            paged.stop(0);
        }
    }
    @Test
    void aLeaseCarriesARequestIdAndTheOneItIsGiven() {
        reply = "{\"leaseId\": \"l-1\", \"leaseSeconds\": 60, \"trial\": {\"id\": 7, \"number\": 3, \"params\": {}}, "
                + "\"experimentId\": 1, \"experimentName\": \"e\", \"objectives\": [], \"repetitions\": 1, \"seed\": 1}";
        var request = new io.tunelab.api.LeaseRequest("box:1", List.of("dl4j"), 0);
        assertThat(client.lease(request, "lease-1").orElseThrow().leaseId()).isEqualTo("l-1");
        client.lease(request, "lease-1");
        client.lease(request);
        client.lease(request);

        assertThat(seen).extracting(Seen::path).containsOnly("/api/leases");
        assertThat(seen).extracting(Seen::requestId).startsWith("lease-1", "lease-1").doesNotContainNull();
        assertThat(seen.get(2).requestId()).as("a lease of its own gets an id of its own").isNotEqualTo(seen.get(3).requestId())
                .isNotEqualTo("lease-1");
    }

    @Test
    void aWriteAStoppingServerRefusedIsSentAgainUnderItsIdWhileTheCallWaitsAndThrownWhenItDoesNot() {
        reply = "";
        status = 204;
        stoppingReplies.set(2);
        client.result(7, TrialResult.complete(Map.of("loss", 0.25)), java.time.Duration.ofSeconds(30));
        assertThat(seen).hasSize(3);
        assertThat(seen).extracting(Seen::requestId).as("the same request, each time").containsOnly(seen.getFirst().requestId());

        seen.clear();
        stoppingReplies.set(1);
        assertThatThrownBy(() -> client.result(7, TrialResult.complete(Map.of("loss", 0.25)), java.time.Duration.ZERO))
                .isInstanceOf(TunelabException.Unavailable.class).hasMessageContaining("shutting down");
        assertThat(seen).as("a call that does not wait sends it once").hasSize(1);

        seen.clear();
        stoppingReplies.set(1);
        var withoutId = releaseWithoutId();
        assertThat(client.exchange(withoutId, true, java.time.Duration.ofSeconds(30)).status())
                .as("a write without a request id is not sent again: its reply is the caller's").isEqualTo(503);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aWriteAStoppingServerRefusedGoesOnToTheNextServerAtOnceAndOneWithoutAnIdDoesNot() throws IOException {
        var refusals = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer stopping = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stopping.createContext("/", exchange -> {
            refusals.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = STOPPING.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stopping.start();
        try (var both = TunelabClient.connect("http://127.0.0.1:" + stopping.getAddress().getPort() + ",http://127.0.0.1:"
                + server.getAddress().getPort(), "tl_secret")) {
            reply = "";
            status = 204;
            long start = System.nanoTime();
            both.result(7, TrialResult.complete(Map.of("loss", 0.25)), java.time.Duration.ofSeconds(30));
            assertThat(refusals).as("the stopping server was asked once").hasValue(1);
            assertThat(seen).as("and the next server took it").singleElement().extracting(Seen::path).isEqualTo("/api/trials/7/result");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("with no pause between them")
                    .isLessThan(java.time.Duration.ofSeconds(10));

            both.result(8, TrialResult.complete(Map.of("loss", 0.5)), java.time.Duration.ZERO);
            assertThat(refusals).as("the server that answered is tried first from then on").hasValue(1);
            assertThat(seen).hasSize(2);

            seen.clear();
            stoppingReplies.set(1);
            assertThatThrownBy(() -> both.result(9, TrialResult.complete(Map.of("loss", 0.5)), java.time.Duration.ZERO))
                    .isInstanceOf(TunelabException.Unavailable.class).hasMessageContaining("shutting down");
            assertThat(seen).as("a call that does not wait tries each server once").hasSize(1);
            assertThat(refusals).hasValue(2);

            seen.clear();
            stoppingReplies.set(1);
            var withoutId = releaseWithoutId();
            assertThat(both.exchange(withoutId, true, java.time.Duration.ofSeconds(30)).status())
                    .as("a write without a request id is not sent on: its reply is the caller's").isEqualTo(503);
            assertThat(seen).hasSize(1);
            assertThat(refusals).hasValue(2);

        }
        // A worker's lease, under its id, goes on as well.
        try (var worker = TunelabClient.connect("http://127.0.0.1:" + stopping.getAddress().getPort() + ",http://127.0.0.1:"
                + server.getAddress().getPort(), "tl_secret")) {
            seen.clear();
            status = 200;
            reply = "{\"leaseId\": \"l-9\", \"leaseSeconds\": 60, \"trial\": {\"id\": 9, \"number\": 1, \"params\": {}}, "
                    + "\"experimentId\": 1, \"experimentName\": \"e\", \"objectives\": [], \"repetitions\": 1, \"seed\": 1}";
            assertThat(worker.lease(new io.tunelab.api.LeaseRequest("host:1", List.of("dl4j"), 0), "lease-1").orElseThrow().leaseId())
                    .isEqualTo("l-9");
            assertThat(refusals).hasValue(3);
            assertThat(seen).extracting(Seen::requestId).containsExactly("lease-1");
        } finally {
            stopping.stop(0);
        }
    }

    @Test
    void aBatchAskCarriesARequestIdAndIsSentAgainUnderItWhileAStoppingServerRefusesIt() {
        reply = "[{\"id\": 7, \"number\": 3, \"params\": {}, \"leaseId\": \"l-1\"}]";
        status = 201;
        stoppingReplies.set(1);
        assertThat(handle().ask(1, true)).singleElement().satisfies(p -> assertThat(p.leaseId()).isEqualTo("l-1"));
        assertThat(seen).hasSize(2).extracting(Seen::path).containsOnly("/api/experiments/1/trials/batch");
        assertThat(seen.getFirst().requestId()).isNotBlank().isEqualTo(seen.getLast().requestId());

        handle().ask(1, true);
        assertThat(seen.getLast().requestId()).as("a new batch, a new id").isNotEqualTo(seen.getFirst().requestId());
    }
}
