package io.tunelab.server.strategy;

import io.tunelab.testing.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The log-scaled int map, down to a lower bound of 0, where log(low − 0.5) is undefined. */
class SamplingTest {

    static Stream<Arguments> logIntRanges() {
        return Cases.of(500, draw -> Arguments.of(draw.intIn(0, 3), draw.intIn(1, 5000), draw.doubleBelow(0, 1)));
    }

    @ParameterizedTest
    @MethodSource("logIntRanges")
    void every_value_of_a_log_int_from_a_low_of_zero_up_survives_the_unit_map(int low, int width, double where) {
        int value = low + (int) (where * (width + 1));
        double u = Sampling.logIntToUnit(low, low + width, value);
        assertThat(u).isBetween(0.0, 1.0);
        assertThat(Sampling.logIntFromUnit(low, low + width, u)).isEqualTo(value);
    }

    @Test
    void the_ends_of_the_unit_interval_give_the_ends_of_the_range_and_every_value_is_reachable() {
        assertThat(Sampling.logIntFromUnit(0, 10, 0.0)).isZero();
        assertThat(Sampling.logIntFromUnit(0, 10, Math.nextDown(1.0))).isEqualTo(10);
        var seen = new HashSet<Integer>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(Sampling.logIntFromUnit(0, 10, i / 10_000.0));
        }
        assertThat(seen).hasSize(11);
    }

    @Test
    void from_a_low_of_one_the_cells_are_optunas() {
        // Optuna's log-int cells are [log(low - 0.5), log(high + 0.5)]: with low 1, u = 0.5 is e^((log 0.5 + log 10.5)/2).
        assertThat(Sampling.logIntFromUnit(1, 10, 0.5)).isEqualTo((int) Math.round(Math.sqrt(0.5 * 10.5)));
        assertThat(Sampling.logIntToUnit(1, 10, 1)).isCloseTo(-Math.log(0.5) / (Math.log(10.5) - Math.log(0.5)),
                org.assertj.core.api.Assertions.within(1e-12));
    }
}
