package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Property tests of the unit-cube encoding every model-based strategy relies on. */
class UnitSpaceTest {

    @Property
    void an_int_survives_encoding_and_decoding(@ForAll @IntRange(min = -1000, max = 1000) int low,
                                               @ForAll @IntRange(min = 1, max = 2000) int width,
                                               @ForAll @IntRange(min = 1, max = 7) int step,
                                               @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where) {
        var p = new IntParam(low, low + width, false, step, null);
        int value = p.valueAt((long) (where * p.cardinality()));
        var unit = new UnitSpace(SearchSpace.builder().add("n", p).build());
        double u = UnitSpace.encode(p, value);
        assertThat(u).isBetween(0.0, 1.0);
        assertThat(unit.decode(0, u)).isEqualTo(value);
    }

    @Property
    void a_log_int_survives_encoding_and_decoding(@ForAll @IntRange(min = 1, max = 100) int low,
                                                  @ForAll @IntRange(min = 1, max = 5000) int width,
                                                  @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where) {
        var p = IntParam.log(low, low + width);
        int value = low + (int) (where * (width + 1));
        var unit = new UnitSpace(SearchSpace.builder().add("n", p).build());
        assertThat(unit.decode(0, UnitSpace.encode(p, value))).isEqualTo(value);
    }

    @Property
    void a_float_survives_encoding_and_decoding(@ForAll @DoubleRange(min = 0.01, max = 10) double low,
                                                @ForAll @DoubleRange(min = 0.01, max = 1e4) double width,
                                                @ForAll boolean log,
                                                @ForAll @DoubleRange(min = 0, max = 1) double where) {
        var p = new FloatParam(low, low + width, log, null, null);
        double value = low + where * width;
        var unit = new UnitSpace(SearchSpace.builder().add("x", p).build());
        double decoded = (Double) unit.decode(0, UnitSpace.encode(p, value));
        assertThat(decoded).isBetween(p.low(), p.high()).isCloseTo(value, within(1e-9 * (1 + Math.abs(value)) + 1e-12 * width));
    }

    @Property
    void a_stepped_float_and_a_choice_survive_encoding_and_decoding(@ForAll @IntRange(min = 0, max = 20) int k,
                                                                    @ForAll @IntRange(min = 0, max = 3) int choice) {
        var stepped = FloatParam.stepped(-1, 1, 0.1);
        var categorical = CategoricalParam.of("a", 2, true, 0.5);
        var unit = new UnitSpace(SearchSpace.builder().add("s", stepped).add("c", categorical).build());
        double value = stepped.gridPoint(k);
        Object c = List.of("a", 2, true, 0.5).get(choice);
        assertThat(unit.decode(new double[]{UnitSpace.encode(stepped, value), UnitSpace.encode(categorical, c)}))
                .containsEntry("s", value).containsEntry("c", c);
    }

    @Property
    void any_point_of_the_cube_decodes_to_a_valid_configuration(@ForAll @DoubleRange(min = -3, max = 3) double a,
                                                                @ForAll @DoubleRange(min = -3, max = 3) double b,
                                                                @ForAll @DoubleRange(min = -3, max = 3) double c) {
        var space = StrategyContractTest.MIXED;
        var unit = new UnitSpace(space);
        double[] u = new double[unit.dimension()];
        for (int i = 0; i < u.length; i++) {
            u[i] = switch (i % 3) {
                case 0 -> a;
                case 1 -> b;
                default -> c;
            };
        }
        var config = unit.decode(u);
        assertThat(space.validate(config)).isEqualTo(config);
    }

    @Property
    void reflection_folds_every_number_into_the_unit_interval(@ForAll @DoubleRange(min = -50, max = 50) double x) {
        assertThat(Variation.reflect(x)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }
}
