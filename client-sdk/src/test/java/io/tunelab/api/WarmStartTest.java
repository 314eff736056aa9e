package io.tunelab.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code warm_start} in a spec: read from YAML and JSON, written back, and refused when incomplete. */
class WarmStartTest {
    private static final String SPEC = "name: warm\nobjective: {metric: loss}\nspace: {x: {type: float, low: 0, high: 1}}\n";

    @Test
    void aSpecsWarmStartReadsAndRoundTrips() {
        ExperimentSpec spec = Specs.parse(SPEC + "warm_start: {from: lr-sweep, top: 20}");
        assertThat(spec.warmStart()).isEqualTo(WarmStart.of("lr-sweep", 20));
        assertThat(Json.write(spec)).contains("\"warm_start\":{\"from\":\"lr-sweep\",\"top\":20}");
        assertThat(Specs.parse(Json.write(spec))).isEqualTo(spec);
        assertThat(spec.withName("again").withSeed(3L).warmStart()).as("the with-methods keep it").isEqualTo(spec.warmStart());
        assertThat(Specs.parse(SPEC).warmStart()).isNull();
        assertThat(Json.write(Specs.parse(SPEC))).doesNotContain("warm_start");
    }

    @Test
    void anIncompleteWarmStartIsAnInvalidSpecNamingItsField() {
        assertThatThrownBy(() -> Specs.parse(SPEC + "warm_start: {top: 5}")).isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageContaining("warm_start.from is required");
        assertThatThrownBy(() -> Specs.parse(SPEC + "warm_start: {from: a}")).isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageContaining("warm_start.top must be between 1 and 10000").hasMessageContaining("got 0");
        assertThatThrownBy(() -> Specs.parse(SPEC + "warm_start: {from: a, top: 10001}"))
                .hasMessageContaining("warm_start.top must be between 1 and 10000");
        assertThatThrownBy(() -> Specs.parse(SPEC + "warm_start: {from: a, top: 3, best: true}")).isInstanceOf(TunelabException.class)
                .hasMessageContaining("best");
    }
}
