package io.tunelab.api;

import io.tunelab.testing.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecsTest {
    static final String YAML = """
            name: quickstart
            objective: {metric: loss, direction: minimize}
            space:
              lr:        {type: float, low: 1.0e-4, high: 0.1, log: true}
              layers:    {type: int, low: 1, high: 4}
              optimizer: {type: categorical, choices: [adam, sgd]}
              momentum:  {type: float, low: 0.0, high: 0.99, when: {optimizer: sgd}}
            strategy: {name: random, seed: 7}
            budget: {trials: 50, parallel: 4}
            """;

    @Test
    void yamlAndJsonGiveTheSameSpecAndItRoundTrips() {
        ExperimentSpec fromYaml = Specs.parse(YAML);
        ExperimentSpec fromJson = Specs.parse(Json.write(fromYaml));
        assertThat(fromJson).isEqualTo(fromYaml);
        assertThat(Specs.parse(Specs.toYaml(fromYaml))).isEqualTo(fromYaml);
        assertThat(fromYaml.space().names()).containsExactly("lr", "layers", "optimizer", "momentum");
        assertThat(fromYaml.space().get("momentum").when()).isEqualTo(Condition.of("optimizer", "sgd"));
        assertThat(fromYaml.primary()).isEqualTo(Objective.minimize("loss"));
        assertThat(fromYaml.effectiveSeed()).isEqualTo(7L);
        assertThat(fromYaml.budget()).isEqualTo(new Budget(50, 4, null));
        assertThat(fromYaml.repetitions()).isEqualTo(1);
    }

    @Test
    void conditionsDecideWhichParamsAreActive() {
        SearchSpace space = Specs.parse(YAML).space();
        var adam = new LinkedHashMap<String, Object>(Map.of("lr", 0.01, "layers", 2, "optimizer", "adam"));
        assertThat(space.isActive("momentum", adam)).isFalse();
        assertThat(space.validate(adam)).containsOnlyKeys("lr", "layers", "optimizer");
        adam.put("momentum", 0.9);
        assertThatThrownBy(() -> space.validate(adam)).hasMessageContaining("\"momentum\" is inactive");
        var sgd = Map.<String, Object>of("lr", 0.01, "layers", 2, "optimizer", "sgd");
        assertThatThrownBy(() -> space.validate(sgd)).hasMessageContaining("\"momentum\" is active but has no value");
    }

    @Test
    void badSpecsSayWhatIsWrongAndWhatWouldBeRight() {
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {lr: {type: float, low: 0.1, high: 0.01}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("param \"lr\": low (0.1) must be below high (0.01)");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l, direction: up}"))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessageContaining("minimize or maximize");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nobjectives: [{metric: m}]"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> Specs.parse("name: '123'\nobjective: {metric: l}")).hasMessageContaining("all digits");
        // Names that would look like another experiment's in every listing, or that the CLI cannot name.
        assertThatThrownBy(() -> Specs.parse("name: 'tt '\nobjective: {metric: l}"))
                .hasMessage("name \"tt \" starts or ends with white space, which no listing shows; leave it out, as \"tt\"");
        assertThatThrownBy(() -> Specs.parse("name: \"ab\\u200bcd\"\nobjective: {metric: l}"))
                .hasMessageContaining("name \"ab\\u200bcd\" holds an invisible character (U+200B)");
        assertThatThrownBy(() -> Specs.parse("name: \"ab\\u202ecd\"\nobjective: {metric: l}"))
                .hasMessageContaining("holds an invisible character (U+202E)");
        assertThatThrownBy(() -> Specs.parse("name: \"cafe\\u0301\"\nobjective: {metric: l}"))
                .hasMessageContaining("is not in Unicode's composed form (NFC)").hasMessageContaining("send it as \"caf\u00e9\"");
        assertThatThrownBy(() -> Specs.parse("name: '-dash'\nobjective: {metric: l}"))
                .hasMessageContaining("starts with '-', which the command line reads as an option");
        assertThatThrownBy(() -> Specs.parse("{\"name\": \"ab\\ud800cd\", \"objective\": {\"metric\": \"l\"}}"))
                .hasMessageContaining("holds an invisible character (U+D800)");
        assertThat(Specs.parse("name: caf\u00e9 \u6f22\u5b57 \ud83d\ude80\nobjective: {metric: l}").name()).isEqualTo("caf\u00e9 \u6f22\u5b57 \ud83d\ude80");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nrepetitions: 0")).hasMessageContaining("repetitions");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nrepetitions: 2000000000"))
                .hasMessage("repetitions must be from 1 to 1000, got 2000000000; each trial is evaluated that many times");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: -1}"))
                .hasMessage("budget.trials must be 0 or more, got -1");
        assertThatThrownBy(() -> Specs.parse("")).isInstanceOf(TunelabException.MalformedBody.class);
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {o: {type: categorical, choices: [a, a]}}"))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {o: {type: int, low: 1, high: 9, step: 0}}"))
                .hasMessageContaining("step (0) must be a positive integer");
    }

    /**
     * A misspelt field is named even where the object's constructor refuses what its absence
     * leaves (a float without {@code low} and {@code high}; a spec without an objective), since
     * Jackson reports unknown fields only after the constructor.
     */
    /** Ranges a strategy could not sample: it drew ±Infinity, NaN and (a grid overflowing long) values below low. */
    @Test
    void aRangeTooWideToSampleOrAStepTooFineToCountIsRefused() {
        String head = "name: x\nobjective: {metric: l}\nspace: {x: ";
        assertThatThrownBy(() -> Specs.parse(head + "{type: float, low: -1e308, high: 1e308}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"x\": high - low (1.0E308 - -1.0E308) is beyond the largest double; narrow the range, "
                        + "or search its exponent with log: true");
        assertThatThrownBy(() -> Specs.parse(head + "{type: float, low: 0, high: 1, step: 1e-300}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"x\": step (1.0E-300) divides [0.0, 1.0] into more than 10^15 values; use a coarser step, "
                        + "or leave step out for any value in the range");
        assertThatThrownBy(() -> Specs.parse(head + "{type: int, low: 0, high: 10, step: 20}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("param \"x\": step (20) must not exceed high - low (10)");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {\"x\\u0001\": {type: float, low: 0, high: 1}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"x?\": a param name holds a control character; name it with printable text, as lr or n_layers");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {" + "p".repeat(201) + ": {type: float, low: 0, high: 1}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("a param name of 201 characters is too long; at most 200");
        assertThat(Specs.parse(head + "{type: float, low: 0, high: 1, step: 1e-15}}").space().get("x")).isNotNull();
        assertThat(Specs.parse(head + "{type: float, low: -1e308, high: 0}}").space().get("x")).isNotNull();
    }

    @Test
    void metricNamesAreBoundedInObjectivesAndConstraints() {
        String space = "\nspace: {x: {type: float, low: 0, high: 1}}";
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: " + "m".repeat(251) + "}" + space))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("objective's metric name is 251 characters long; a metric name has at most 250");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: \"a\\tb\"}" + space))
                .hasMessageContaining("objective's metric name holds a control character");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: loss}\nconstraints: [{metric: \"" + "c".repeat(300)
                + "\", max: 1}]" + space)).isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageContaining("constraints[0].metric is 300 characters long; a metric name has at most 250");
        assertThat(Specs.parse("name: x\nobjective: {metric: " + "m".repeat(250) + "}" + space).objectives().getFirst().metric())
                .hasSize(250);
    }

    @Test
    void aMisspeltFieldIsNamedBeforeWhatItsAbsenceCaused() {
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {x: {type: float, min: 0, max: 1}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"x\": unknown fields \"min\", \"max\"; known fields: high, log, low, step, when");
        assertThatThrownBy(() -> Specs.parse("{\"name\": \"x\", \"objective\": {\"metric\": \"l\"},"
                + " \"space\": {\"n\": {\"type\": \"int\", \"lo\": 1, \"high\": 0}}}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"n\": unknown field \"lo\"; known fields: high, log, low, step, when");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjetive: {metric: l}"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageStartingWith("unknown field \"objetive\"; known fields: ").hasMessageContaining("objective, objectives");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {x: {type: float, low: 1, high: 0}}"))
                .as("a refused object whose fields are all known keeps the constructor's message")
                .hasMessage("param \"x\": low (1.0) must be below high (0.0)");
    }

    @Test
    void aYamlAliasStandsForACopyOfWhatItsAnchorMarks() {
        ExperimentSpec spec = Specs.parse("""
                name: aliases
                objective: {metric: l}
                space:
                  lr: &lr {type: float, low: 0.001, high: 0.1, log: true}
                  lr2: *lr
                task:
                  iris: &iris {name: iris, validation: {folds: &folds 3}}
                  dataset: *iris
                  folds: *folds
                  quoted: &q "yes"
                  again: *q
                """);
        assertThat(spec.space().params().get("lr2")).isEqualTo(FloatParam.log(0.001, 0.1));
        assertThat(spec.task().get("dataset")).isEqualTo(Map.of("name", "iris", "validation", Map.of("folds", 3)));
        assertThat(spec.task().get("folds")).isEqualTo(3);
        assertThat(spec.task().get("again")).as("a quoted scalar stays a string through its alias").isEqualTo("yes");
    }

    @Test
    void aYamlAliasWithoutAnchorOrThatExpandsTooFarIsRefused() {
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\ntask: {a: *nope}\n"))
                .isInstanceOf(TunelabException.MalformedBody.class)
                .hasMessage("could not parse the sweep spec: the alias *nope names no anchor &nope before it (line 3, column 11)");
        var bomb = new StringBuilder("name: x\nobjective: {metric: l}\ntask:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            bomb.append("  a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        assertThatThrownBy(() -> Specs.parse(bomb.toString()))
                .isInstanceOf(TunelabException.MalformedBody.class)
                .hasMessageContaining("more than 100000 values once its aliases (*name) are copied");
    }

    /** Jackson read a float into an int field by dropping its fraction: a budget of 2.5 trials became 2. */
    @Test
    void aFractionWhereAWholeNumberBelongsIsRefused() {
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: 2.5}\n"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("budget.trials: expected a whole number, got 2.5");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {n: {type: int, low: 1.5, high: 3}}\n"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("param \"n\" (low): expected a whole number, got 1.5");
        assertThatThrownBy(() -> Specs.parse("{\"name\": \"x\", \"objective\": {\"metric\": \"l\"}, \"seed\": 7.25}"))
                .hasMessage("seed: expected a whole number, got 7.25");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: 2.0}\n"))
                .hasMessage("budget.trials: expected a whole number written without a decimal point, got 2.0");
    }

    @Test
    void aValueOfTheWrongKindIsNamedWithTheKindExpected() {
        assertThatThrownBy(() -> Specs.parse("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("expected a sweep spec: fields and their values (name: …, objective: …), got text \"root:x:0:0:root:/root:/bin/bash daemon:x…\"");
        assertThatThrownBy(() -> Specs.parse("- name: x\n")).hasMessageEndingWith("got a list");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: [l]\n")).hasMessage("objective: expected fields and their values, got a list");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: many}\n"))
                .hasMessage("budget.trials: expected a whole number, got text \"many\"");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {lr: {type: float, low: 0, high: 1, log: maybe}}\n"))
                .hasMessage("param \"lr\" (log): expected true or false, got text \"maybe\"");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {lr: {type: float, low: 0.1, high: 1, log: 2}}\n"))
                .as("a number is not read as a boolean").hasMessage("param \"lr\" (log): expected true or false, got 2");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nspace: {lr: {type: float, low: \"\", high: 1}}\n"))
                .as("an empty text is not read as 0").hasMessage("param \"lr\" (low): expected a number, got text \"\"");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: \"\"}\n"))
                .as("nor as absent").hasMessage("budget.trials: expected a whole number, got text \"\"");
        assertThat(Specs.parse("name: x\nobjective: {metric: l}\nbudget: {trials: \"12\"}\n").budget().trials())
                .as("a number written as text is still read").isEqualTo(12);
    }

    /** Jackson would read a merge key as a field named "<<": refused in the spec's objects, silently kept in a task. */
    @Test
    void aYamlMergeKeyIsRefusedNotDropped() {
        assertThatThrownBy(() -> Specs.parse("""
                name: x
                objective: {metric: l}
                task:
                  defaults: &defaults {epochs: 5, batch: 32}
                  training:
                    <<: *defaults
                    epochs: 10
                """)).isInstanceOf(TunelabException.MalformedBody.class)
                .hasMessage("could not parse the sweep spec: YAML merge keys (<<: *name, line 6) are not read; "
                        + "write the merged fields out, or the whole value as *name");
        assertThat(Specs.parse("name: x\nobjective: {metric: l}\ntask: {note: \"<<\", list: [<<, a]}\n").task())
                .as("a quoted << and a << in a list are values").containsEntry("note", "<<").containsEntry("list", List.of("<<", "a"));
    }

    @Test
    void aTaskFieldGivenAsNullIsLeftOut() {
        ExperimentSpec spec = Specs.parse("name: x\nobjective: {metric: l}\ntask:\n  dataset:\n  runner: mlp\n");
        assertThat(spec.task()).isEqualTo(Map.of("runner", "mlp"));
    }

    static Stream<Arguments> floatRanges() {
        return Cases.of(1000, draw -> Arguments.of(draw.doubleIn(-1e6, 1e6), draw.doubleIn(0.01, 1e6), draw.doubleIn(-0.5, 1.5)));
    }

    @ParameterizedTest
    @MethodSource("floatRanges")
    void floatParamsAcceptExactlyTheirRange(double low, double width, double u) {
        var p = FloatParam.of(low, low + width);
        double v = low + u * width;
        if (v >= p.low() && v <= p.high()) {
            assertThat(p.coerce(v)).isEqualTo(v);
        } else {
            assertThatThrownBy(() -> p.coerce(v)).isInstanceOf(TunelabException.InvalidValue.class);
        }
    }

    static Stream<Arguments> intGrids() {
        return Cases.of(1000, draw -> Arguments.of(draw.intIn(-1000, 1000), draw.intIn(1, 50), draw.intIn(1, 100), draw.intIn(-10, 200)));
    }

    @ParameterizedTest
    @MethodSource("intGrids")
    void intParamsAcceptOnlyTheirSteps(int low, int step, int count, int k) {
        var p = new IntParam(low, low + step * count, false, step, null);
        assertThat(p.cardinality()).isEqualTo(count + 1);
        int v = low + k * step;
        if (k >= 0 && k <= count) {
            assertThat(p.coerce(v)).isEqualTo(v);
            assertThat(p.valueAt(k)).isEqualTo(v);
        } else {
            assertThatThrownBy(() -> p.coerce(v)).isInstanceOf(TunelabException.InvalidValue.class);
        }
        if (step > 1) {
            assertThatThrownBy(() -> p.coerce(low + 1)).isInstanceOf(TunelabException.InvalidValue.class);
        }
    }

    @Test
    void anIntegerPastALongsRangeIsRefusedAsItCameNotAsALongsLargest() {
        var p = new IntParam(1, 10, false, null, null);
        for (Object huge : List.of(1e20, new java.math.BigInteger("99999999999999999999"), -1e30)) {
            assertThatThrownBy(() -> p.coerce(huge)).isInstanceOf(TunelabException.InvalidValue.class)
                    .hasMessageStartingWith(huge + " is not one of 1, 2, … up to 10")
                    .hasMessageNotContaining(Long.toString(Long.MAX_VALUE)).hasMessageNotContaining(Long.toString(Long.MIN_VALUE));
        }
    }

    @Test
    void everyErrorCodeMapsToItsTypedException() {
        for (ErrorCode code : ErrorCode.values()) {
            TunelabException e = TunelabException.of(new ErrorBody(code, "m", Map.of()));
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase()).isEqualTo(code.name());
        }
        assertThat(List.of(ErrorCode.values())).allSatisfy(c -> assertThat(c.status()).isBetween(400, 599));
    }
}
