package io.tunelab.server;

import com.sun.net.httpserver.HttpServer;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.TellReply;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's round trips: {@code optimize()} tells and gets the next trial in one request (counted
 * by a proxy between the SDK and a real server), the batch ask and tell-then-ask of the handle,
 * and the fallback to separate requests against a server that refuses {@code next}.
 */
class OptimizeRoundTripsTest {
    @RegisterExtension
    final TestServer server = new TestServer();
    HttpServer proxy;
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** When set, the proxy answers a tell with {@code next} as a server that does not know the field. */
    volatile boolean oldServer;
    TunelabClient client;

    @BeforeEach
    void start() throws Exception {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient upstream = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String kind = exchange.getRequestMethod() + " " + path.replaceAll("/\\d+", "/{id}")
                    + (new String(body).contains("\"next\"") ? " next" : "");
            requests.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            byte[] answer;
            int status;
            if (oldServer && kind.endsWith(" next")) {
                status = 400;
                answer = "{\"code\":\"MALFORMED_BODY\",\"message\":\"unknown field \\\"next\\\"; known fields: error, leaseId\",\"details\":{}}".getBytes();
            } else {
                var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + exchange.getRequestURI()))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Content-Type")) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                try {
                    HttpResponse<byte[]> r = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    answer = r.body();
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        proxy.start();
        client = TunelabClient.connect("http://127.0.0.1:" + proxy.getAddress().getPort(), server.adminToken());
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.stop(0);
    }

    int count(String kind) {
        return requests.getOrDefault(kind, new AtomicInteger()).get();
    }

    @Test
    void optimizeAsksOncePerLoopAndGetsEveryOtherTrialFromItsTell() {
        ExperimentHandle exp = client.launch(SdkAgainstServerTest.quickstart("rt").trials(20).build());
        assertThat(exp.optimize(t -> t.floatParam("lr"), 30, 2)).isEqualTo(20);
        assertThat(exp.awaitCompletion(Duration.ofSeconds(10)).state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(exp.trials()).hasSize(20).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        // One ask per loop to start; the tells bring every other trial, the last ones say the budget is spent.
        assertThat(count("POST /api/experiments/{id}/trials")).isEqualTo(2);
        assertThat(count("POST /api/trials/{id}/result next")).isEqualTo(20);
        assertThat(count("POST /api/trials/{id}/result")).isZero();
    }

    @Test
    void optimizeStopsAtItsOwnCountWithoutAskingForOneMore() {
        ExperimentHandle exp = client.launch(SdkAgainstServerTest.quickstart("rt").trials(50).build());
        assertThat(exp.optimize(t -> 1.0, 5, 1)).isEqualTo(5);
        assertThat(exp.trials()).hasSize(5).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        assertThat(count("POST /api/trials/{id}/result next")).isEqualTo(4);
        assertThat(count("POST /api/trials/{id}/result")).isEqualTo(1);
    }

    @Test
    void againstAServerWithoutTheCombinedTellOptimizeTellsAndAsksApart() {
        oldServer = true;
        ExperimentHandle exp = client.launch(SdkAgainstServerTest.quickstart("rt").trials(6).build());
        assertThat(exp.optimize(t -> 1.0, 6, 1)).isEqualTo(6);
        assertThat(exp.trials()).hasSize(6).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        assertThat(count("POST /api/trials/{id}/result next")).as("tried once, then not again").isEqualTo(1);
        assertThat(count("POST /api/trials/{id}/result")).isEqualTo(6);
    }

    @Test
    void theHandleAsksInBatchesAndTellsThenAsks() {
        ExperimentHandle exp = client.launch(SdkAgainstServerTest.quickstart("rt").trials(4).build());
        List<TrialProposal> batch = exp.ask(3, false);
        assertThat(batch).extracting(TrialProposal::number).containsExactly(0, 1, 2);
        TellReply reply = exp.tellThenAsk(batch.get(0).id(), 0.5);
        assertThat(reply.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(reply.next().number()).isEqualTo(3);
        TellReply last = exp.tellThenAsk(batch.get(1).id(), 0.4);
        assertThat(last.next()).isNull();
        assertThat(last.noNext().code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED);
        assertThatThrownBy(() -> exp.ask(0, false)).isInstanceOf(TunelabException.class)
                .hasMessageStartingWith("count (0) must be from 1 to 100");
    }
}
