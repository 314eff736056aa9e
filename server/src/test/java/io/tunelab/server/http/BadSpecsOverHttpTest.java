package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad sweep spec sent to {@code POST /api/experiments} over real HTTP: answered
 * with its status, code and a message that names what was wrong and what would be right, and
 * the list of experiments unchanged.
 */
class BadSpecsOverHttpTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON            | {"name": "x",                                                                  | 400 | MALFORMED_BODY | could not parse
            malformed YAML            | 'name: "x'                                                                     | 400 | MALFORMED_BODY | could not parse
            unknown param type        | {"name":"x","objective":{"metric":"l"},"space":{"a":{"type":"floaty","low":0,"high":1}}} | 400 | INVALID_SPEC | unknown type "floaty"
            low not below high        | {"name":"x","objective":{"metric":"l"},"space":{"lr":{"type":"float","low":0.1,"high":0.01}}} | 400 | INVALID_SPEC | param "lr": low (0.1) must be below high (0.01)
            log with low at zero      | {"name":"x","objective":{"metric":"l"},"space":{"lr":{"type":"float","low":0,"high":1,"log":true}}} | 400 | INVALID_SPEC | log scale needs low > 0
            empty categorical         | {"name":"x","objective":{"metric":"l"},"space":{"o":{"type":"categorical","choices":[]}}} | 400 | INVALID_SPEC | at least one value
            when names unknown param  | {"name":"x","objective":{"metric":"l"},"space":{"m":{"type":"float","low":0,"high":1,"when":{"opt":"sgd"}}}} | 400 | INVALID_SPEC | when names "opt"
            when names unknown value  | {"name":"x","objective":{"metric":"l"},"space":{"o":{"type":"categorical","choices":["adam"]},"m":{"type":"float","low":0,"high":1,"when":{"o":"sgd"}}}} | 400 | INVALID_SPEC | can never hold
            grid over float no step   | {"name":"x","objective":{"metric":"l"},"space":{"lr":{"type":"float","low":0,"high":1}},"strategy":{"name":"grid"}} | 400 | INVALID_SPEC | has no step
            unknown strategy          | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"annealing"}} | 400 | INVALID_SPEC | allowed strategies
            gp option out of range    | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"gp","options":{"startup_trials":0}}} | 400 | INVALID_SPEC | strategy.options.startup_trials
            gp unknown option         | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"gp","options":{"kernel":"rbf"}}} | 400 | INVALID_SPEC | startup_trials, fit_points
            nsga2 unknown preselect   | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"nsga2","options":{"preselect":"kriging"}}} | 400 | INVALID_SPEC | strategy.options.preselect: "kriging" is not an option; options: none, quadratic
            nsga2 candidates not int  | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"nsga2","options":{"candidates":"many"}}} | 400 | INVALID_SPEC | strategy.options.candidates
            nsga2 candidates alone    | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"nsga2","options":{"preselect":"none","candidates":5}}} | 400 | INVALID_SPEC | strategy.options.candidates is how many children the models choose among: it needs strategy.options.preselect: quadratic, got none
            nsga2 one candidate       | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"nsga2","options":{"candidates":1}}} | 400 | INVALID_SPEC | strategy.options.candidates must be from 2 to 1000, got 1
            tpe preselect one objective | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"tpe","options":{"preselect":"quadratic"}}} | 400 | INVALID_SPEC | strategy.options.preselect: quadratic chooses among configurations by their predicted objectives and needs at least 2 of them, this experiment has 1
            tpe preselect_from alone  | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"tpe","options":{"preselect_from":5}}} | 400 | INVALID_SPEC | strategy.options.preselect_from is how many configurations the models choose among: it needs strategy.options.preselect: quadratic, got none
            tpe preselect_from 1      | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"tpe","options":{"preselect":"quadratic","preselect_from":1}}} | 400 | INVALID_SPEC | strategy.options.preselect_from must be from 2 to 1000, got 1
            gp unknown warping        | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"gp","options":{"warping":"log"}}} | 400 | INVALID_SPEC | strategy.options.warping: "log" is not an option; options: none, power
            cmaes unknown preselect   | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"cmaes","options":{"preselect":"separable"}}} | 400 | INVALID_SPEC | strategy.options.preselect: "separable" is not an option; options: none, quadratic, quadratic_or_additive, additive_early, additive_if_separable
            portfolio preselect a number | {"name":"x","objective":{"metric":"l"},"strategy":{"name":"portfolio","options":{"preselect":2}}} | 400 | INVALID_SPEC | strategy.options.preselect: "2" is not an option; options: none, quadratic, quadratic_or_additive, additive_early, additive_if_separable
            gp with two objectives    | {"name":"x","objectives":[{"metric":"a"},{"metric":"b"}],"strategy":{"name":"gp"}} | 400 | INVALID_SPEC | use auto, tpe or nsga2
            unknown pruner            | {"name":"x","objective":{"metric":"l"},"pruner":{"name":"early"}}     | 400 | INVALID_SPEC | allowed pruners
            missing objective         | {"name":"x"}                                                            | 400 | INVALID_SPEC | an objective is required
            unknown field             | {"name":"x","objective":{"metric":"l"},"stratgy":{"name":"random"}}   | 400 | INVALID_SPEC | unknown field "stratgy"
            min and max for low, high | {"name":"x","objective":{"metric":"l"},"space":{"x":{"type":"float","min":0,"max":1}}} | 400 | INVALID_SPEC | param "x": unknown fields "min", "max"; known fields: high, log, low, step, when
            misspelt objective        | {"name":"x","objetive":{"metric":"l"}}                                  | 400 | INVALID_SPEC | unknown field "objetive"; known fields:
            fractional trials         | {"name":"x","objective":{"metric":"l"},"budget":{"trials":2.5}}       | 400 | INVALID_SPEC | budget.trials: expected a whole number, got 2.5
            a list, not a spec        | [{"name":"x"}]                                                          | 400 | INVALID_SPEC | expected a sweep spec: fields and their values (name: …, objective: …), got a list
            alpha out of range        | {"name":"x","objective":{"metric":"l"},"analysis":{"alpha":2}}        | 400 | INVALID_SPEC | analysis.alpha must be above 0 and at most 0.5
            corrected-t for seeds     | {"name":"x","objective":{"metric":"l"},"analysis":{"test":"corrected-t"}} | 400 | INVALID_SPEC | corrected-t is chosen by itself
            wilcoxon with folds       | {"name":"x","objective":{"metric":"l"},"analysis":{"test":"wilcoxon"},"task":{"dataset":{"name":"iris","validation":{"folds":3}}}} | 400 | INVALID_SPEC | remove analysis.test
            range wider than a double | {"name":"x","objective":{"metric":"l"},"space":{"x":{"type":"float","low":-1e308,"high":1e308}}} | 400 | INVALID_SPEC | param "x": high - low (1.0E308 - -1.0E308) is beyond the largest double
            step too fine to count    | {"name":"x","objective":{"metric":"l"},"space":{"x":{"type":"float","low":0,"high":1,"step":1e-300}}} | 400 | INVALID_SPEC | param "x": step (1.0E-300) divides [0.0, 1.0] into more than 10^15 values
            int step beyond the range | {"name":"x","objective":{"metric":"l"},"space":{"n":{"type":"int","low":0,"high":10,"step":20}}} | 400 | INVALID_SPEC | param "n": step (20) must not exceed high - low (10)
            control character in name | {"name":"x\\u0000y","objective":{"metric":"l"}}                     | 400 | INVALID_SPEC | name "x?y" holds a control character
            C1 control in name        | {"name":"ab\\u0085cd","objective":{"metric":"l"}}                   | 400 | INVALID_SPEC | name "ab?cd" holds a control character
            control character in param| {"name":"x","objective":{"metric":"l"},"space":{"a\\u0001":{"type":"float","low":0,"high":1}}} | 400 | INVALID_SPEC | param "a?": a param name holds a control character
            overlong metric name      | {"name":"x","objective":{"metric":"LONGMETRIC"}}                        | 400 | INVALID_SPEC | objective's metric name is 251 characters long
            folds not a number        | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","validation":{"folds":"three"}}}} | 400 | INVALID_SPEC | folds must be a whole number from 2 to 100
            more folds than workers split | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","validation":{"folds":1000}}}} | 400 | INVALID_SPEC | task.dataset.validation.folds must be a whole number from 2 to 100, as {folds: 5}; got 1000
            searched folds beyond 100 | {"name":"x","objective":{"metric":"l"},"space":{"dataset.validation.folds":{"type":"int","low":3,"high":500}},"task":{"dataset":{"name":"iris"}}} | 400 | INVALID_SPEC | param "dataset.validation.folds" must be an int param from 2 to 100
            test share of 0           | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","test":0}}} | 400 | INVALID_SPEC | task.dataset.test must be a share of the rows between 0 and 1 (exclusive), as 0.2; got 0
            test share above 1        | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","test":1.5}}} | 400 | INVALID_SPEC | task.dataset.test must be a share of the rows between 0 and 1 (exclusive), as 0.2; got 1.5
            test share as text        | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","test":"20%"}}} | 400 | INVALID_SPEC | task.dataset.test must be a share of the rows between 0 and 1 (exclusive), as 0.2; got "20%"
            hold-out share of 1       | {"name":"x","objective":{"metric":"l"},"task":{"dataset":{"name":"iris","validation":{"holdout":1}}}} | 400 | INVALID_SPEC | task.dataset.validation.holdout must be a share of the rows between 0 and 1 (exclusive), as 0.2; got 1
            """)
    void badSpecsAreRefusedAndChangeNothing(String what, String body, int status, ErrorCode code, String message) throws Exception {
        String before = server.call("GET", "/api/experiments", null).body();
        server.call("POST", "/api/experiments", body.replace("LONGMETRIC", "m".repeat(251))).assertError(status, code, message);
        assertThat(server.call("GET", "/api/experiments", null).body()).isEqualTo(before);
    }

    /** YAML aliases are copies of their anchors' values; one without an anchor, or a "billion laughs", is refused. */
    @Test
    void yamlAliasesAreCopiedAndTheirAbuseIsRefused() throws Exception {
        String before = server.call("GET", "/api/experiments", null).body();
        server.call("POST", "/api/experiments", "name: x\nobjective: {metric: l}\ntask: {dataset: *iris}\n")
                .assertError(400, ErrorCode.MALFORMED_BODY, "the alias *iris names no anchor &iris before it (line 3, column 17)");
        var bomb = new StringBuilder("name: x\nobjective: {metric: l}\ntask:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            bomb.append("  a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        server.call("POST", "/api/experiments", bomb.toString())
                .assertError(400, ErrorCode.MALFORMED_BODY, "more than 100000 values once its aliases (*name) are copied");
        assertThat(server.call("GET", "/api/experiments", null).body()).isEqualTo(before);

        var created = server.call("POST", "/api/experiments",
                "name: aliased\nobjective: {metric: l}\ntask:\n  iris: &iris {name: iris}\n  dataset: *iris\n");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).contains("\"dataset\":{\"name\":\"iris\"}");
    }

    /** A rename, a clone and a define-by-run param are held to what a new spec is. */
    @Test
    void aRenameACloneAndASuggestAreHeldToANewSpecsChecks() throws Exception {
        server.call("POST", "/api/experiments", ApiServerTest.QUICKSTART);
        long trial = ((Number) server.call("POST", "/api/experiments/quickstart/trials", null).json().get("id")).longValue();
        String before = server.call("GET", "/api/experiments", null).body();
        server.call("PATCH", "/api/experiments/quickstart", "{\"name\": \"q\\nuick\"}")
                .assertError(400, ErrorCode.INVALID_SPEC, "name \"q?uick\" holds a control character");
        server.call("POST", "/api/experiments/quickstart/clone", "{\"name\": \"q\\tuick\"}")
                .assertError(400, ErrorCode.INVALID_SPEC, "name \"q?uick\" holds a control character");
        server.call("POST", "/api/trials/" + trial + "/suggest", "{\"name\": \"w\", \"param\": {\"type\": \"float\", \"low\": 0, "
                + "\"high\": 1, \"step\": 1e-300}}").assertError(400, ErrorCode.INVALID_SPEC, "param \"w\": step (1.0E-300) divides");
        server.call("POST", "/api/trials/" + trial + "/suggest", "{\"name\": \"" + "w".repeat(201) + "\", \"param\": {\"type\": "
                + "\"float\", \"low\": 0, \"high\": 1}}").assertError(400, ErrorCode.INVALID_SPEC, "a param name of 201 characters");
        assertThat(server.call("GET", "/api/experiments", null).body()).isEqualTo(before);
        assertThat(server.call("GET", "/api/experiments/quickstart", null).body()).doesNotContain("\"w\"");
    }

    @Test
    void aDuplicateNameIsAConflictAndKeepsTheFirst() throws Exception {
        server.call("POST", "/api/experiments", ApiServerTest.QUICKSTART);
        String before = server.call("GET", "/api/experiments", null).body();
        server.call("POST", "/api/experiments", ApiServerTest.QUICKSTART.replace("trials: 5", "trials: 9"))
                .assertError(409, ErrorCode.DUPLICATE_NAME, "exists already");
        assertThat(server.call("GET", "/api/experiments", null).body()).isEqualTo(before);
    }
}
