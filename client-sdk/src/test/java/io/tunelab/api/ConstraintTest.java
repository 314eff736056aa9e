package io.tunelab.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConstraintTest {
    private static final String HEAD = "name: c\nobjective: {metric: loss}\n";

    @Test
    void aSpecReadsItsConstraintsAndRoundTrips() {
        ExperimentSpec spec = Specs.parse(HEAD + "constraints: [{metric: latency_ms, max: 20}, {metric: size_mb, min: 1, max: 50}]");
        assertThat(spec.constraints()).containsExactly(Constraint.atMost("latency_ms", 20), Constraint.between("size_mb", 1, 50));
        assertThat(Specs.parse(Json.write(spec))).isEqualTo(spec);
        assertThat(Specs.parse(Specs.toYaml(spec))).isEqualTo(spec);
        assertThat(spec.withName("d").constraints()).isEqualTo(spec.constraints());
    }

    @Test
    void aSpecWithoutConstraintsWritesNone() {
        ExperimentSpec spec = Specs.parse(HEAD);
        assertThat(spec.constraints()).isEmpty();
        assertThat(Json.write(spec)).doesNotContain("constraints");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{max: 20}]                                          | constraints[0].metric is required",
            "[{metric: a, max: 1}, {metric: ' '}]                 | constraints[1].metric is required",
            "[{metric: a}]                                        | constraints[0] (metric \"a\") needs min, max or both",
            "[{metric: a, min: 5, max: 1}]                        | constraints[0].min (5.0) must not exceed constraints[0].max (1.0)",
            "[{metric: loss, max: 1}]                             | constraints[0].metric \"loss\" is an objective",
            "[{metric: a, max: 1}, {metric: a, min: 0}]           | constraints[1].metric \"a\" is constrained twice",
            "[null]                                               | constraints[0] is empty",
    })
    void badConstraintsNameTheFieldAndWhatWouldBeRight(String constraints, String message) {
        assertThatThrownBy(() -> Specs.parse(HEAD + "constraints: " + constraints))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessageContaining(message);
    }

    @Test
    void boundsMustBeFiniteNumbers() {
        var builder = ExperimentSpec.builder("c").minimize("loss");
        assertThatThrownBy(() -> builder.constraints(Constraint.atMost("a", Double.NaN)).build())
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("constraints[0].max must be a finite number, got NaN");
        assertThatThrownBy(() -> builder.constraints(Constraint.atMost("a", 1), Constraint.atLeast("b", Double.NEGATIVE_INFINITY))
                .build()).hasMessage("constraints[1].min must be a finite number, got -Infinity");
    }

    @Test
    void atMost32Constraints() {
        var many = new StringBuilder("[");
        for (int i = 0; i <= Constraint.MAX_CONSTRAINTS; i++) {
            many.append(i == 0 ? "" : ", ").append("{metric: m").append(i).append(", max: 1}");
        }
        assertThatThrownBy(() -> Specs.parse(HEAD + "constraints: " + many + "]"))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("constraints has 33 entries; at most 32 are allowed");
    }

    @Test
    void violationIsHowFarOutsideTheBoundsSummedOverConstraints() {
        var constraints = List.of(Constraint.atMost("latency_ms", 20), Constraint.between("size_mb", 1, 50));
        assertThat(Constraint.violation(constraints, Map.of("latency_ms", 20.0, "size_mb", 1.0))).isZero();
        assertThat(Constraint.violation(constraints, Map.of("latency_ms", 25.0, "size_mb", 0.5))).isEqualTo(5.5);
        assertThat(Constraint.violation(constraints, Map.of("latency_ms", 10.0, "size_mb", 60.0))).isEqualTo(10.0);
        assertThat(Constraint.violation(constraints, Map.of("latency_ms", 10.0))).isInfinite();
        var nan = new HashMap<String, Double>(Map.of("latency_ms", 10.0));
        nan.put("size_mb", Double.NaN);
        assertThat(Constraint.violation(constraints, nan)).isInfinite();
        assertThat(Constraint.violation(List.of(), Map.of())).isZero();
    }

    @Test
    void optunasFormIsAMetricConstrainedToAtMostZero() {
        var constraints = List.of(Constraint.atMost("c1", 0));
        assertThat(Constraint.violation(constraints, Map.of("c1", -3.0))).isZero();
        assertThat(Constraint.violation(constraints, Map.of("c1", 0.25))).isEqualTo(0.25);
    }
}
