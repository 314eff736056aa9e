package io.tunelab.server.pruner;

import io.tunelab.api.Json;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pruner's options as a user sends them, over real HTTP to a server on a real port: a bad
 * value is answered 400 with the allowed values named and creates nothing; a good one creates
 * the experiment.
 */
class PrunerOptionsOverHttpTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    HttpResponse<String> call(String method, String path, String json) throws Exception {
        return server.call(method, path, json).response();
    }

    static String spec(String pruner, String options) {
        return "{\"name\":\"p\",\"objective\":{\"metric\":\"loss\"},\"space\":{\"lr\":{\"type\":\"float\",\"low\":0,\"high\":1}},"
                + "\"pruner\":{\"name\":\"" + pruner + "\",\"options\":" + options + "}}";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            asha      | {"judge_by":"trend"}        | pruner.options.judge_by: "trend" is not an option; options: value, curve
            hyperband | {"judge_by":"extrapolate"}  | pruner.options.judge_by: "extrapolate" is not an option; options: value, curve
            asha      | {"judge_by":["curve"]}      | pruner.options.judge_by must be a single value
            asha      | {"max_resource":0}          | pruner.options.max_resource must be from 2 to 1000000
            asha      | {"max_resource":"lots"}     | pruner.options.max_resource must be a number, got "lots"
            asha      | {"min_resource":9,"max_resource":9} | pruner.options.max_resource (9) must be above the first rung, min_resource · reduction_factor^min_early_stopping_rate = 9
            asha      | {"min_resource":2,"min_early_stopping_rate":2,"max_resource":18} | must be above the first rung, min_resource · reduction_factor^min_early_stopping_rate = 18
            """)
    void aBadOptionIsRefusedNamingWhatIsAllowedAndCreatesNothing(String pruner, String options, String message) throws Exception {
        String before = call("GET", "/api/experiments", null).body();
        var reply = call("POST", "/api/experiments", spec(pruner, options));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        Map<?, ?> body = Json.read(reply.body(), Map.class);
        assertThat(body.get("code")).isEqualTo("INVALID_SPEC");
        assertThat((String) body.get("message")).contains(message);
        assertThat(call("GET", "/api/experiments", null).body()).isEqualTo(before);
        assertThat(call("GET", "/api/experiments/p", null).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            asha      | {"min_resource":5,"judge_by":"curve"}
            hyperband | {"judge_by":"Value"}
            """)
    void aGoodJudgeByCreatesTheExperiment(String pruner, String options) throws Exception {
        var reply = call("POST", "/api/experiments", spec(pruner, options));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
    }

    static String taskSpec(String options, int epochs) {
        return "{\"name\":\"p\",\"objective\":{\"metric\":\"loss\"},\"space\":{\"model.units\":{\"type\":\"int\",\"low\":8,"
                + "\"high\":64}},\"task\":{\"dataset\":{\"name\":\"digits\"},\"training\":{\"epochs\":" + epochs + "}},"
                + "\"pruner\":{\"name\":\"asha\",\"options\":" + options + "}}";
    }

    @Test
    void aTaskWhoseLastEpochIsAshasOnlyRungIsRefusedAndCreatesNothing() throws Exception {
        String before = call("GET", "/api/experiments", null).body();
        var reply = call("POST", "/api/experiments", taskSpec("{\"min_resource\":3,\"reduction_factor\":2}", 3));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        Map<?, ?> body = Json.read(reply.body(), Map.class);
        assertThat(body.get("code")).isEqualTo("INVALID_SPEC");
        assertThat((String) body.get("message")).contains("task.training.epochs (3) is a trial's last step", "first rung",
                "= 3", "pruner.options.min_resource");
        assertThat(call("GET", "/api/experiments", null).body()).isEqualTo(before);
    }

    @Test
    void ashaTakesMaxResourceFromTheTasksEpochsAndTheStoredSpecSaysIt() throws Exception {
        var reply = call("POST", "/api/experiments", taskSpec("{\"min_resource\":3,\"reduction_factor\":2}", 12));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
        Map<?, ?> experiment = Json.read(call("GET", "/api/experiments/p", null).body(), Map.class);
        Map<?, ?> pruner = (Map<?, ?>) ((Map<?, ?>) experiment.get("spec")).get("pruner");
        assertThat((Map<?, ?>) pruner.get("options")).isEqualTo(Map.of("min_resource", 3, "reduction_factor", 2, "max_resource", 12));
        // One given in the spec is kept as given.
        var own = call("POST", "/api/experiments", spec("asha", "{\"max_resource\":81}").replace("\"name\":\"p\"", "\"name\":\"q\""));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    }
}
