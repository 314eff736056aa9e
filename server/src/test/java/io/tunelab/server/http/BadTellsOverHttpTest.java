package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.server.testing.TestServer;
import io.tunelab.server.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad tell and report over real HTTP: answered with its status, code and a message
 * that names what was wrong, the trial unchanged (checked again after a restart from the same files).
 */
class BadTellsOverHttpTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    private Reply call(String method, String path, String body) throws Exception {
        return server.call(method, path, body);
    }

    private static void assertError(Reply r, int status, ErrorCode code, String messagePart) {
        r.assertError(status, code, messagePart);
    }

    private void restart() {
        server.restart();
    }

    @Test
    void badTellsAndReportsAreRefusedAndChangeNothing() throws Exception {
        call("POST", "/api/experiments", ApiServerTest.QUICKSTART);
        long id = ((Number) call("POST", "/api/experiments/quickstart/trials", null).json().get("id")).longValue();
        String trialBefore = call("GET", "/api/trials/" + id, null).body();
        assertError(call("POST", "/api/trials/999999/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1}}"), 404, ErrorCode.NOT_FOUND, "no trial with id 999999");
        assertError(call("POST", "/api/trials/abc/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1}}"), 404, ErrorCode.NOT_FOUND, "trial ids are numbers");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":NaN}}"), 400, ErrorCode.INVALID_VALUE, "finite");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":\"Infinity\"}}"), 400, ErrorCode.INVALID_VALUE, "finite");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"los\":1}}"), 400, ErrorCode.INVALID_VALUE, "metric \"los\"");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{}}"), 400, ErrorCode.INVALID_VALUE, "needs a value for objective metric \"loss\"");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":\"low\"}}"), 400, ErrorCode.MALFORMED_BODY,
                "values.loss: expected a number, got text \"low\"");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"RUNNING\",\"values\":{\"loss\":1}}"), 400, ErrorCode.INVALID_VALUE, "COMPLETE, PRUNED or FAILED");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"DONE\"}"), 400, ErrorCode.MALFORMED_BODY, "state");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"values\":{\"loss\":1}}"), 400, ErrorCode.INVALID_VALUE,
                "a result needs a state, and this one has none; send \"state\": \"COMPLETE\" with its values, \"PRUNED\" or \"FAILED\"");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"values\":{\"loss\":1},\"next\":true}"), 400,
                ErrorCode.INVALID_VALUE, "a result needs a state");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"FAILED\",\"error\":\"" + "x".repeat(4001) + "\"}"),
                400, ErrorCode.INVALID_VALUE, "error must be at most 4000 characters, got 4001");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"values\":{\"loss\":1}}"), 400, ErrorCode.INVALID_VALUE,
                "a report needs its step");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1,\"values\":{\"loss\":NaN}}"), 400, ErrorCode.INVALID_VALUE, "finite");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1.5,\"values\":{\"loss\":1}}"), 400, ErrorCode.MALFORMED_BODY,
                "step: expected a whole number, got 1.5");
        // Metric names are bounded: every one is kept with the trial and written with each report.
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1,\"values\":{\"" + "m".repeat(251) + "\":1}}"),
                400, ErrorCode.INVALID_VALUE, "a metric name in values is 251 characters long; a metric name has at most 250");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1,\"values\":{\"\":1}}"),
                400, ErrorCode.INVALID_VALUE, "a metric name in values is empty");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1,\"values\":{\"a\\nb\":1}}"),
                400, ErrorCode.INVALID_VALUE, "holds a control character");
        String many = IntStream.range(0, 257).mapToObj(i -> "\"m" + i + "\":1").collect(Collectors.joining(","));
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":1,\"values\":{" + many + "}}"),
                400, ErrorCode.INVALID_VALUE, "values holds 257 metrics; at most 256 are allowed");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1},"
                + "\"repetitions\":[{\"values\":{\"loss\":1,\"\":2}}]}"), 400, ErrorCode.INVALID_VALUE,
                "a metric name in repetitions[0].values is empty");
        // A value beside repetitions that is not their mean, and repetitions that do not measure the objective.
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1},"
                + "\"repetitions\":[{\"values\":{\"loss\":5}},{\"values\":{\"loss\":7}}]}"), 400, ErrorCode.INVALID_VALUE,
                "values.loss is 1.0, but the mean of its 2 repetitions is 6.0; with repetitions a trial's value is their mean");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":6},"
                + "\"repetitions\":[{\"values\":{\"loss\":5}},{\"values\":{\"acc\":7}}]}"), 400, ErrorCode.INVALID_VALUE,
                "repetitions[1] has no value for objective metric \"loss\"; every repetition of a COMPLETE result measures each objective");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1},"
                + "\"repetitions\":[{}]}"), 400, ErrorCode.INVALID_VALUE, "repetitions[0] has no value for objective metric \"loss\"");
        // Repetitions are paired across trials by their index: two with one index, or a negative one, would pair nothing.
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"repetitions\":["
                + "{\"index\":0,\"values\":{\"loss\":1}},{\"index\":0,\"values\":{\"loss\":2}}]}"), 400, ErrorCode.INVALID_VALUE,
                "repetitions[1].index is 0, as repetitions[0].index is; each repetition of a result has its own index");
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"repetitions\":["
                + "{\"index\":-1,\"values\":{\"loss\":1}}]}"), 400, ErrorCode.INVALID_VALUE, "repetitions[0].index must be 0 or more");
        // A lease id of a form the server never hands out named no lease: 400, as on the upload routes.
        for (String[] refused : new String[][]{{"heartbeat", "{\"leaseId\":\"x\"}"}, {"release", "{\"leaseId\":\"x\"}"},
                {"result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1},\"leaseId\":\"x\"}"}}) {
            assertError(call("POST", "/api/trials/" + id + "/" + refused[0], refused[1]), 400, ErrorCode.INVALID_ARGUMENT,
                    "leaseId \"x\" is not a lease id");
        }
        assertError(call("POST", "/api/trials/" + id + "/release", ""), 400, ErrorCode.MALFORMED_BODY, "expected a release request");
        // What only the server records: an "imported" trial would leave budget.trials (after a restart), a forged digest or race would mislead.
        for (String key : new String[]{"imported", "enqueued", "race", "model_sha256"}) {
            assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1},"
                    + "\"provenance\":{\"" + key + "\":{\"from\":\"elsewhere\"}}}"), 400, ErrorCode.INVALID_VALUE,
                    "provenance key \"" + key + "\" is recorded by the server alone");
        }
        assertThat(call("GET", "/api/trials/" + id, null).body()).isEqualTo(trialBefore);

        assertThat(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":1}}").status()).isEqualTo(200);
        String finished = call("GET", "/api/trials/" + id, null).body();
        assertError(call("POST", "/api/trials/" + id + "/result", "{\"state\":\"COMPLETE\",\"values\":{\"loss\":0.5}}"), 409, ErrorCode.TRIAL_FINISHED, "finished trials never change");
        assertError(call("POST", "/api/trials/" + id + "/reports", "{\"step\":2,\"values\":{\"loss\":0.5}}"), 409, ErrorCode.TRIAL_FINISHED, "COMPLETE already");
        assertThat(call("GET", "/api/trials/" + id, null).body()).isEqualTo(finished);
        restart();
        assertThat(call("GET", "/api/trials/" + id, null).body()).isEqualTo(finished);
    }
}
