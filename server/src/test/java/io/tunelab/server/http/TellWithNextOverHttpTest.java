package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.RequestId;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tells with next ({@code "next": true}) of a random search over real HTTP: bad ones are refused
 * with their status, code and message and change nothing; a retry under its request id answers the
 * same next trial; many clients at once each get trials of their own, every one stored, across a
 * restart.
 */
class TellWithNextOverHttpTest {
    private static final String SPEC = "{\"name\": \"drawn\", \"objective\": {\"metric\": \"loss\", \"direction\": \"minimize\"}, "
            + "\"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}, \"n\": {\"type\": \"int\", \"low\": 1, \"high\": 3}}, "
            + "\"strategy\": {\"name\": \"random\", \"seed\": 3}}";

    @RegisterExtension
    final TestServer server = new TestServer();

    private Reply call(String method, String path, String body) throws Exception {
        return server.call(method, path, body);
    }

    private long ask() throws Exception {
        return ((Number) call("POST", "/api/experiments/drawn/trials", null).json().get("id")).longValue();
    }

    private static long next(Reply told) {
        assertThat(told.status()).as(told.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var next = (Map<String, Object>) told.json().get("next");
        assertThat(next).as(told.body()).isNotNull();
        return ((Number) next.get("id")).longValue();
    }

    @Test
    void badTellsWithNextAreRefusedAndChangeNothing() throws Exception {
        call("POST", "/api/experiments", SPEC);
        long id = ask();
        String before = call("GET", "/api/trials/" + id, null).body();
        String path = "/api/trials/" + id + "/result";
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": NaN}}").assertError(400, ErrorCode.INVALID_VALUE, "finite");
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {}}").assertError(400, ErrorCode.INVALID_VALUE,
                "needs a value for objective metric \"loss\"");
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"los\": 1}}").assertError(400, ErrorCode.INVALID_VALUE,
                "metric \"los\"");
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": \"low\"}}").assertError(400, ErrorCode.MALFORMED_BODY,
                "values.loss: expected a number, got text \"low\"");
        call(path, "{\"next\": \"yes\", \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}").assertError(400, ErrorCode.INVALID_ARGUMENT,
                "next must be true or false, got \"yes\"");
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}, \"leaseId\": \"x\"}").assertError(400,
                ErrorCode.INVALID_ARGUMENT, "leaseId \"x\" is not a lease id");
        call("/api/trials/abc/result", "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}").assertError(404,
                ErrorCode.NOT_FOUND, "trial ids are numbers");
        call("/api/trials/999999/result", "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}").assertError(404,
                ErrorCode.NOT_FOUND, "no trial with id 999999");
        assertThat(call("GET", "/api/trials/" + id, null).body()).isEqualTo(before);
        assertThat(call("GET", "/api/experiments/drawn/trials", null).list()).hasSize(1);

        long second = next(call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}"));
        assertThat(second).isNotEqualTo(id);
        call(path, "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}").assertError(409, ErrorCode.TRIAL_FINISHED,
                "finished trials never change");
        assertThat(call("GET", "/api/experiments/drawn/trials", null).list()).hasSize(2);
    }

    private Reply call(String path, String body) throws Exception {
        return call("POST", path, body);
    }

    /**
     * A tell of a random search over a continuous param is made on the event loop that took it; one
     * whose body is longer than 16 KiB is read on a thread of its own instead: both answer alike,
     * and a malformed body of either length is refused alike, changing nothing.
     */
    @Test
    void aLongTellIsReadOffTheEventLoopAndAnsweredAsAShortOne() throws Exception {
        call("POST", "/api/experiments", SPEC);
        long shortTold = ask();
        long longTold = ask();
        String note = "n".repeat(Blocking.HERE_MAX_BODY_BYTES);
        Reply shortReply = call("/api/trials/" + shortTold + "/result", "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}}");
        Reply longReply = call("/api/trials/" + longTold + "/result",
                "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1}, \"provenance\": {\"note\": \"" + note + "\"}}");
        assertThat(next(longReply)).isNotEqualTo(next(shortReply));
        assertThat(longReply.json().keySet()).isEqualTo(shortReply.json().keySet());
        assertThat(call("GET", "/api/trials/" + longTold, null).body()).contains(note);

        long open = next(longReply);
        String before = call("GET", "/api/trials/" + open, null).body();
        call("/api/trials/" + open + "/result", "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": \"low\"}}")
                .assertError(400, ErrorCode.MALFORMED_BODY, "values.loss: expected a number, got text \"low\"");
        call("/api/trials/" + open + "/result", "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": \"low\"}, "
                + "\"provenance\": {\"note\": \"" + note + "\"}}").assertError(400, ErrorCode.MALFORMED_BODY,
                "values.loss: expected a number, got text \"low\"");
        assertThat(call("GET", "/api/trials/" + open, null).body()).isEqualTo(before);
        assertThat(call("GET", "/api/experiments/drawn/trials", null).list()).hasSize(4);
    }

    @Test
    void aRetryUnderItsRequestIdAnswersTheSameNextTrial() throws Exception {
        call("POST", "/api/experiments", SPEC);
        long id = ask();
        String body = "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 2}}";
        Map<String, String> keyed = Map.of(RequestId.HEADER, "tell-here-1");
        Reply first = server.call("POST", "/api/trials/" + id + "/result", body, keyed);
        Reply again = server.call("POST", "/api/trials/" + id + "/result", body, keyed);
        assertThat(next(again)).isEqualTo(next(first));
        assertThat(again.body()).isEqualTo(first.body());
        server.call("POST", "/api/trials/" + id + "/result", body.replace("2", "3"), keyed).assertError(400,
                ErrorCode.INVALID_ARGUMENT, "with another body already");
        assertThat(call("GET", "/api/experiments/drawn/trials", null).list()).hasSize(2);
    }

    @Test
    void manyClientsAtOnceEachGetTrialsOfTheirOwnAndEveryOneIsStored() throws Exception {
        call("POST", "/api/experiments", SPEC);
        int clients = 8;
        int tells = 40;
        List<Future<List<Long>>> chains = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                chains.add(pool.submit(() -> {
                    List<Long> chain = new ArrayList<>();
                    chain.add(ask());
                    for (int i = 0; i < tells; i++) {
                        chain.add(next(call("/api/trials/" + chain.getLast() + "/result",
                                "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": " + i + "}}")));
                    }
                    return chain;
                }));
            }
        }
        Set<Long> handed = new HashSet<>();
        for (Future<List<Long>> chain : chains) {
            handed.addAll(chain.get());
        }
        assertThat(handed).as("no trial handed to two clients").hasSize(clients * (tells + 1));
        for (int round = 0; round < 2; round++) {
            if (round > 0) {
                server.restart();
            }
            List<Map<String, Object>> trials = call("GET", "/api/experiments/drawn/trials?limit=1000", null).list();
            assertThat(trials).as("round %d", round).hasSize(clients * (tells + 1));
            assertThat(trials.stream().map(t -> ((Number) t.get("number")).intValue()).distinct()).hasSize(trials.size());
            assertThat(trials.stream().filter(t -> "COMPLETE".equals(t.get("state")))).hasSize(clients * tells);
        }
    }
}
