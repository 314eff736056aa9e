package io.tunelab.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {
    static Options model(Map<String, Object> fields) {
        return Options.of("model", fields);
    }

    static void assertInvalid(Runnable read, String message) {
        assertThatThrownBy(read::run).isInstanceOf(TunelabException.InvalidSpec.class).hasMessage(message);
    }

    @Test
    void absentFieldsReadAsTheirFallbacks() {
        var o = Options.of("model", null);
        assertThat(o.integer("units", 64, 1, 4096)).isEqualTo(64);
        assertThat(o.number("dropout", 0.5, 0, 1)).isEqualTo(0.5);
        assertThat(o.optionalNumber("l2")).isNull();
        assertThat(o.optionalInteger("layers")).isNull();
        assertThat(o.bool("batch_norm", true)).isTrue();
        assertThat(o.string("name", null)).isNull();
        assertThat(o.choice("family", "mlp", List.of("mlp", "wide_deep"))).isEqualTo("mlp");
        o.done();
    }

    @Test
    void valuesAreReadAsASpecMayWriteThem() {
        var o = model(Map.of("units", "32", "layers", 3.0, "dropout", " 0.25 ", "family", "MLP", "batch_norm", "yes",
                "bias", "off", "name", " wine "));
        assertThat(o.integer("units", 64, 1, 4096)).isEqualTo(32);
        assertThat(o.integer("layers", 2, 0, 8)).isEqualTo(3);
        assertThat(o.number("dropout", 0, 0, 1)).isEqualTo(0.25);
        assertThat(o.choice("family", "mlp", List.of("mlp", "wide_deep"))).isEqualTo("mlp");
        assertThat(o.bool("batch_norm", false)).isTrue();
        assertThat(o.bool("bias", true)).isFalse();
        assertThat(o.string("name", null)).isEqualTo("wine");
        o.done();
    }

    @Test
    void badValuesNameTheFieldAndWhatWouldBeRight() {
        assertInvalid(() -> model(Map.of("units", 0)).integer("units", 64, 1, 4096), "model.units must be from 1 to 4096, got 0");
        assertInvalid(() -> model(Map.of("units", 2.5)).integer("units", 64, 1, 4096), "model.units must be a whole number, got 2.5");
        assertInvalid(() -> model(Map.of("units", "many")).integer("units", 64, 1, 4096), "model.units must be a number, got \"many\"");
        assertInvalid(() -> model(Map.of("l2", Double.NaN)).optionalNumber("l2"), "model.l2 must be a finite number, got NaN");
        assertInvalid(() -> model(Map.of("dropout", 2)).number("dropout", 0, 0, 0.95), "model.dropout must be from 0.0 to 0.95, got 2.0");
        assertInvalid(() -> model(Map.of("family", "Transformer")).choice("family", "mlp", List.of("mlp", "wide_deep")),
                "model.family: \"Transformer\" is not an option; options: mlp, wide_deep");
        assertInvalid(() -> model(Map.of("batch_norm", "maybe")).bool("batch_norm", false), "model.batch_norm must be true or false, got \"maybe\"");
        assertInvalid(() -> model(Map.of("name", List.of("a"))).string("name", null), "model.name must be a single value, got [a]");
        assertInvalid(() -> Options.of("strategy.options", List.of(1)), "strategy.options must be a map of fields, got [1]");
    }

    @Test
    void fieldsNobodyReadAreRejectedWithTheKnownOnes() {
        var o = model(Map.of("units", 8, "unit", 8));
        o.integer("units", 64, 1, 4096);
        o.integer("layers", 2, 0, 8);
        assertInvalid(o::done, "model.unit: unknown field; known fields: units, layers");
        assertInvalid(() -> Options.of("strategy.options", Map.of("scramble", true)).done(),
                "strategy.options.scramble: unknown field; known fields: none");
    }

    @Test
    void aSectionNamesItsFieldsByTheirWholePath() {
        var task = Options.of("", Map.of("dataset", Map.of("validation", Map.of("folds", 1))));
        assertThat(task.has("dataset")).isTrue();
        assertThat(task.has("model")).isFalse();
        var validation = task.section("dataset").section("validation");
        assertThat(validation.path()).isEqualTo("dataset.validation");
        assertThat(validation.name("folds")).isEqualTo("dataset.validation.folds");
        assertInvalid(() -> validation.integer("folds", 3, 2, 100), "dataset.validation.folds must be from 2 to 100, got 1");
        assertThat(task.section("model").integer("units", 64, 1, 4096)).as("an absent section reads as empty").isEqualTo(64);
        assertInvalid(() -> Options.of("", Map.of("model", 3)).section("model"), "model must be a map of fields, got 3");
    }

    @Test
    void numbersReadAListOrOneNumberAndRefuseAnythingElseNamingTheField() {
        var o = Options.of("strategy.options", Map.of("factors", List.of(0.8, "1.2"), "one", 2));
        assertThat(o.numbers("factors", List.of())).containsExactly(0.8, 1.2);
        assertThat(o.numbers("one", List.of())).containsExactly(2.0);
        assertThat(o.numbers("absent", List.of(1.0))).containsExactly(1.0);
        assertInvalid(() -> Options.of("strategy.options", Map.of("factors", List.of())).numbers("factors", List.of()),
                "strategy.options.factors must list at least one number, as [0.8, 1.2]");
        assertInvalid(() -> Options.of("strategy.options", Map.of("factors", List.of(0.8, "x"))).numbers("factors", List.of()),
                "strategy.options.factors must list finite numbers, as [0.8, 1.2], got [0.8, x]");
    }
}
