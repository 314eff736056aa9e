package io.tunelab.server.http;

import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fewer round trips over real HTTP: a tell with {@code "next": true} answers with the next trial
 * (or why there is none), a batch ask hands out several trials, the old tell answers as it always
 * did, and bad inputs are refused with 400 naming the field and change nothing.
 */
class RoundTripApiTest {
    static final String SPEC = """
            {"name": "rt", "objective": {"metric": "loss", "direction": "minimize"},
             "space": {"lr": {"type": "float", "low": 0.001, "high": 0.1, "log": true}, "units": {"type": "int", "low": 8, "high": 512},
                       "optimizer": {"type": "categorical", "choices": ["adam", "sgd", "rmsprop"]}},
             "strategy": {"name": "random", "seed": 3}, "budget": {"trials": %d}}
            """;

    @RegisterExtension
    final TestServer server = new TestServer();

    Reply call(String method, String path, String body) throws Exception {
        return server.call(method, path, body);
    }

    void launch(int trials) throws Exception {
        assertThat(call("POST", "/api/experiments", SPEC.formatted(trials)).status()).isEqualTo(201);
    }

    long ask(String body) throws Exception {
        Reply asked = call("POST", "/api/experiments/rt/trials", body);
        assertThat(asked.status()).as(asked.body()).isEqualTo(201);
        return id(asked.json());
    }

    static long id(Map<String, Object> json) {
        return ((Number) json.get("id")).longValue();
    }

    int trialCount() throws Exception {
        return call("GET", "/api/experiments/rt/trials", null).list().size();
    }

    @Test
    void aTellWithNextAnswersTheNextTrialAndTheOldTellAnswersTheTrialAsBefore() throws Exception {
        launch(10);
        long first = ask(null);
        Reply plain = call("POST", "/api/trials/" + first + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body()).as("the old reply is the stored trial, unchanged").isEqualTo(call("GET", "/api/trials/" + first, null).body());

        long second = ask(null);
        Reply combined = call("POST", "/api/trials/" + second + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.4}, \"next\": true}");
        assertThat(combined.status()).as(combined.body()).isEqualTo(200);
        Map<String, Object> reply = combined.json();
        assertThat(reply).containsEntry("trial", (int) second).containsEntry("state", "COMPLETE").doesNotContainKey("noNext");
        Map<String, Object> next = (Map<String, Object>) reply.get("next");
        assertThat(next).containsEntry("number", 2).doesNotContainKey("leaseId");
        assertThat((Map<String, Object>) next.get("params")).containsOnlyKeys("lr", "units", "optimizer");
        assertThat(call("GET", "/api/trials/" + second, null).json()).containsEntry("state", "COMPLETE");
        assertThat(call("GET", "/api/trials/" + id(next), null).json()).containsEntry("state", "RUNNING");

        Reply notNext = call("POST", "/api/trials/" + id(next) + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.3}, \"next\": false}");
        assertThat(notNext.body()).isEqualTo(call("GET", "/api/trials/" + id(next), null).body());
        assertThat(trialCount()).isEqualTo(3);
    }

    @Test
    void aTellAskingForAMinimalReturnIsAnswered204WithNoBodyAndRecordedAsAnyOther() throws Exception {
        launch(10);
        String done = "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}";
        for (String prefer : List.of("return=minimal", "respond-async, RETURN = \"minimal\"; foo=bar", "wait=5,return=minimal")) {
            long id = ask(null);
            Reply minimal = server.call("POST", "/api/trials/" + id + "/result", done, Map.of("Prefer", prefer, "Tunelab-Request-Id", "min-" + id));
            assertThat(minimal.status()).as(prefer).isEqualTo(204);
            assertThat(minimal.body()).isEmpty();
            assertThat(minimal.response().headers().firstValue("Preference-Applied")).hasValue("return=minimal");
            assertThat(call("GET", "/api/trials/" + id, null).json()).containsEntry("state", "COMPLETE");
            Reply retried = server.call("POST", "/api/trials/" + id + "/result", done, Map.of("Prefer", prefer, "Tunelab-Request-Id", "min-" + id));
            assertThat(retried.status()).as("a retry under the same id").isEqualTo(204);
        }
        // Other preferences are ignored: the trial, as before.
        for (String prefer : List.of("return=representation", "respond-async", "return=minimalist", "")) {
            long id = ask(null);
            Reply full = server.call("POST", "/api/trials/" + id + "/result", done, Map.of("Prefer", prefer));
            assertThat(full.status()).as(prefer).isEqualTo(200);
            assertThat(full.body()).isEqualTo(call("GET", "/api/trials/" + id, null).body());
            assertThat(full.response().headers().firstValue("Preference-Applied")).isEmpty();
        }
        // A tell with next answers its next trial whatever the preference; a refused tell its error.
        long id = ask(null);
        Reply withNext = server.call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.4}, \"next\": true}",
                Map.of("Prefer", "return=minimal"));
        assertThat(withNext.status()).isEqualTo(200);
        assertThat(withNext.json()).containsKey("next");
        long running = id((Map<String, Object>) withNext.json().get("next"));
        Reply refused = server.call("POST", "/api/trials/" + running + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": \"low\"}}",
                Map.of("Prefer", "return=minimal"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("MALFORMED_BODY");
        assertThat(call("GET", "/api/trials/" + running, null).json()).containsEntry("state", "RUNNING");
    }

    @Test
    void aLeasedTellGetsALeasedNextTrialAndTheLastTellSaysWhyThereIsNone() throws Exception {
        launch(2);
        Reply asked = call("POST", "/api/experiments/rt/trials", "{\"lease\": true}");
        String lease = (String) asked.json().get("leaseId");
        Reply first = call("POST", "/api/trials/" + id(asked.json()) + "/result",
                "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 1.0}, \"leaseId\": \"" + lease + "\"}");
        Map<String, Object> next = (Map<String, Object>) first.json().get("next");
        assertThat((String) next.get("leaseId")).isNotBlank().isNotEqualTo(lease);

        Reply last = call("POST", "/api/trials/" + id(next) + "/result",
                "{\"state\": \"FAILED\", \"error\": \"diverged\", \"leaseId\": \"" + next.get("leaseId") + "\", \"next\": true}");
        assertThat(last.status()).as(last.body()).isEqualTo(200);
        assertThat(last.json()).containsEntry("state", "FAILED").doesNotContainKey("next");
        // The last tell spent the budget and completed the experiment: the reply says so, as an ask would.
        assertThat((Map<String, Object>) last.json().get("noNext")).containsEntry("code", "EXPERIMENT_NOT_RUNNING")
                .containsEntry("details", Map.of("state", "COMPLETED"));
        assertThat(call("GET", "/api/trials/" + id(next), null).json()).containsEntry("state", "FAILED");
        assertThat(call("GET", "/api/experiments/rt", null).json()).containsEntry("state", "COMPLETED");
    }

    @Test
    void aNextThatIsNotABooleanIsRefusedAndTheTrialStaysRunning() throws Exception {
        launch(10);
        long id = ask(null);
        for (String next : List.of("\"yes\"", "1", "null", "{}")) {
            Reply refused = call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 1}, \"next\": " + next + "}");
            assertThat(refused.status()).as(next).isEqualTo(400);
            assertThat(refused.json()).containsEntry("code", "INVALID_ARGUMENT");
            assertThat((String) refused.json().get("message")).startsWith("next must be true or false, got " + next);
        }
        Reply unknown = call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 1}, \"next\": true, \"x\": 1}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat((String) unknown.json().get("message")).contains("unknown field \"x\"");
        assertThat(call("GET", "/api/trials/" + id, null).json()).containsEntry("state", "RUNNING");
        assertThat(trialCount()).isEqualTo(1);
    }

    @Test
    void aBatchAskHandsOutUpToCountTrialsWithinTheBudget() throws Exception {
        launch(5);
        Reply three = call("POST", "/api/experiments/rt/trials/batch", "{\"count\": 3, \"lease\": true}");
        assertThat(three.status()).as(three.body()).isEqualTo(201);
        assertThat(three.list()).extracting(t -> t.get("number")).containsExactly(0, 1, 2);
        assertThat(three.list()).allSatisfy(t -> assertThat(t).containsKey("leaseId"));
        Reply rest = call("POST", "/api/experiments/rt/trials/batch", "{\"count\": 100}");
        assertThat(rest.list()).extracting(t -> t.get("number")).containsExactly(3, 4);
        assertThat(rest.list()).allSatisfy(t -> assertThat(t).doesNotContainKey("leaseId"));
        Reply none = call("POST", "/api/experiments/rt/trials/batch", "{\"count\": 1}");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.json()).containsEntry("code", "BUDGET_EXHAUSTED");
    }

    @Test
    void aBatchCountOutsideOneToTheCapIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        launch(500);
        for (String body : List.of("{\"count\": 0}", "{\"count\": -1}", "{\"count\": 101}", "{}", "{\"lease\": true}")) {
            Reply refused = call("POST", "/api/experiments/rt/trials/batch", body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.json()).as(body).containsEntry("code", "INVALID_ARGUMENT");
            assertThat((String) refused.json().get("message")).as(body).startsWith("count");
            assertThat((Map<String, Object>) refused.json().get("details")).containsEntry("field", "count");
        }
        Reply text = call("POST", "/api/experiments/rt/trials/batch", "{\"count\": \"many\"}");
        assertThat(text.status()).isEqualTo(400);
        assertThat((String) text.json().get("message")).startsWith("count:");
        assertThat(trialCount()).isZero();
    }
}
