package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.testing.Cases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Property tests of the unit-cube encoding every model-based strategy relies on. */
class UnitSpaceTest {

    static Stream<Arguments> intRanges() {
        return Cases.of(1000, draw -> Arguments.of(draw.intIn(-1000, 1000), draw.intIn(1, 2000), draw.intIn(1, 7),
                draw.doubleBelow(0, 1)));
    }

    @ParameterizedTest
    @MethodSource("intRanges")
    void anIntSurvivesEncodingAndDecoding(int low, int width, int step, double where) {
        var p = new IntParam(low, low + width, false, step, null);
        int value = p.valueAt((long) (where * p.cardinality()));
        var unit = new UnitSpace(SearchSpace.builder().add("n", p).build());
        double u = UnitSpace.encode(p, value);
        assertThat(u).isBetween(0.0, 1.0);
        assertThat(unit.decode(0, u)).isEqualTo(value);
    }

    static Stream<Arguments> logIntRanges() {
        return Cases.of(1000, draw -> Arguments.of(draw.intIn(1, 100), draw.intIn(1, 5000), draw.doubleBelow(0, 1)));
    }

    @ParameterizedTest
    @MethodSource("logIntRanges")
    void aLogIntSurvivesEncodingAndDecoding(int low, int width, double where) {
        var p = IntParam.log(low, low + width);
        int value = low + (int) (where * (width + 1));
        var unit = new UnitSpace(SearchSpace.builder().add("n", p).build());
        assertThat(unit.decode(0, UnitSpace.encode(p, value))).isEqualTo(value);
    }

    static Stream<Arguments> floatRanges() {
        return Cases.of(1000, draw -> Arguments.of(draw.doubleIn(0.01, 10), draw.doubleIn(0.01, 1e4), draw.bool(),
                draw.doubleIn(0, 1)));
    }

    @ParameterizedTest
    @MethodSource("floatRanges")
    void aFloatSurvivesEncodingAndDecoding(double low, double width, boolean log, double where) {
        var p = new FloatParam(low, low + width, log, null, null);
        double value = low + where * width;
        var unit = new UnitSpace(SearchSpace.builder().add("x", p).build());
        double decoded = (Double) unit.decode(0, UnitSpace.encode(p, value));
        assertThat(decoded).isBetween(p.low(), p.high()).isCloseTo(value, within(1e-9 * (1 + Math.abs(value)) + 1e-12 * width));
    }

    static Stream<Arguments> gridPointsAndChoices() {
        return Cases.of(1000, draw -> Arguments.of(draw.intIn(0, 20), draw.intIn(0, 3)));
    }

    @ParameterizedTest
    @MethodSource("gridPointsAndChoices")
    void aSteppedFloatAndAChoiceSurviveEncodingAndDecoding(int k, int choice) {
        var stepped = FloatParam.stepped(-1, 1, 0.1);
        var categorical = CategoricalParam.of("a", 2, true, 0.5);
        var unit = new UnitSpace(SearchSpace.builder().add("s", stepped).add("c", categorical).build());
        double value = stepped.gridPoint(k);
        Object c = List.of("a", 2, true, 0.5).get(choice);
        assertThat(unit.decode(new double[]{UnitSpace.encode(stepped, value), UnitSpace.encode(categorical, c)}))
                .containsEntry("s", value).containsEntry("c", c);
    }

    static Stream<Arguments> pointsAroundTheCube() {
        return Cases.of(1000, draw -> Arguments.of(draw.doubleIn(-3, 3), draw.doubleIn(-3, 3), draw.doubleIn(-3, 3)));
    }

    @ParameterizedTest
    @MethodSource("pointsAroundTheCube")
    void anyPointOfTheCubeDecodesToAValidConfiguration(double a, double b, double c) {
        var space = StrategyContract.MIXED;
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

    static Stream<Arguments> numbers() {
        return Cases.of(1000, draw -> Arguments.of(draw.doubleIn(-50, 50)));
    }

    @ParameterizedTest
    @MethodSource("numbers")
    void reflectionFoldsEveryNumberIntoTheUnitInterval(double x) {
        assertThat(Variation.reflect(x)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }
}
