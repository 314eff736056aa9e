package io.tunelab.server.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunelab.api.Json;
import io.tunelab.api.PairedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** The paired tests against scipy's values in analysis/paired_tests.json (made by paired_tests.py next to it). */
class PairedTestsTest {
    /** 1e-9 relative, as a percentage. */
    private static final double EXACT = 1e-7;
    /** 1e-6 relative, as a percentage, for the normal approximation. */
    private static final double APPROXIMATE = 1e-4;

    record Case(String name, double[] x, double[] y, int folds, JsonNode expected) {
        @Override
        public String toString() {
            return name + " (n=" + x.length + ")";
        }

        double p(String test) {
            return expected.get(test).get("p").asDouble();
        }

        double statistic(String test) {
            return expected.get(test).get("statistic").asDouble();
        }
    }

    static Stream<Case> cases() throws IOException {
        try (InputStream in = PairedTestsTest.class.getResourceAsStream("/analysis/paired_tests.json")) {
            JsonNode root = Json.mapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            root.get("cases").forEach(c -> cases.add(new Case(c.get("name").asText(), doubles(c.get("x")), doubles(c.get("y")),
                    c.get("folds").asInt(), c)));
            return cases.stream();
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void theFixturesCoverSmallAndLargeSamplesTiesZerosAndBothWilcoxonMethods() throws IOException {
        List<Case> all = cases().toList();
        assertThat(all).extracting(c -> c.x().length).contains(3, 30);
        assertThat(all).extracting(c -> c.expected().get("wilcoxon").get("method").asText()).contains("exact", "approx");
        assertThat(all).anySatisfy(c -> assertThat(hasZeroDifference(c)).isTrue());
    }

    private static boolean hasZeroDifference(Case c) {
        for (int i = 0; i < c.x().length; i++) {
            if (c.x()[i] == c.y()[i]) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pairedTMatchesScipyTtestRel(Case c) {
        PairedTests.Result r = PairedTests.pairedT(c.x(), c.y());
        assertThat(r.test()).isEqualTo(PairedTest.PAIRED_T);
        assertThat(r.n()).isEqualTo(c.x().length);
        assertThat(r.statistic()).isCloseTo(c.statistic("ttest_rel"), withinPercentage(EXACT));
        assertThat(r.pValue()).isCloseTo(c.p("ttest_rel"), withinPercentage(EXACT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void correctedTMatchesTheFormula(Case c) {
        PairedTests.Result r = PairedTests.correctedT(c.x(), c.y(), RepetitionKind.folds(c.folds()).testTrainRatio());
        assertThat(r.test()).isEqualTo(PairedTest.CORRECTED_T);
        assertThat(r.statistic()).isCloseTo(c.statistic("corrected_t"), withinPercentage(EXACT));
        assertThat(r.pValue()).isCloseTo(c.p("corrected_t"), withinPercentage(EXACT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wilcoxonMatchesScipyWithZerosDropped(Case c) {
        PairedTests.Result r = PairedTests.wilcoxon(c.x(), c.y());
        boolean exact = c.expected().get("wilcoxon").get("method").asText().equals("exact");
        assertThat(r.test()).isEqualTo(PairedTest.WILCOXON);
        assertThat(r.statistic()).isCloseTo(c.statistic("wilcoxon"), within(1e-9));
        assertThat(r.pValue()).isCloseTo(c.p("wilcoxon"), withinPercentage(exact ? EXACT : APPROXIMATE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCorrectionOnlyWidensTheFoldTest(Case c) {
        assertThat(PairedTests.correctedT(c.x(), c.y(), 1.0 / (c.folds() - 1)).pValue())
                .isGreaterThanOrEqualTo(PairedTests.pairedT(c.x(), c.y()).pValue());
    }

    @Test
    void theKindPicksTheTest() {
        double[] x = {0.91, 0.87, 0.95, 0.90};
        double[] y = {0.89, 0.88, 0.90, 0.86};
        assertThat(PairedTests.compare(RepetitionKind.folds(4), x, y))
                .isEqualTo(PairedTests.correctedT(x, y, 1.0 / 3));
        assertThat(PairedTests.compare(RepetitionKind.seeds(), x, y)).isEqualTo(PairedTests.pairedT(x, y));
        assertThat(PairedTests.compare(RepetitionKind.seeds(PairedTest.WILCOXON), x, y)).isEqualTo(PairedTests.wilcoxon(x, y));
    }

    @Test
    void identicalSamplesCannotBeToldApart() {
        double[] x = {0.9, 0.8, 0.7};
        assertThat(PairedTests.pairedT(x, x.clone())).isEqualTo(new PairedTests.Result(PairedTest.PAIRED_T, 3, 0, 1));
        assertThat(PairedTests.correctedT(x, x.clone(), 0.5).pValue()).isEqualTo(1);
        assertThat(PairedTests.wilcoxon(x, x.clone())).isEqualTo(new PairedTests.Result(PairedTest.WILCOXON, 3, 0, 1));
    }

    @Test
    void aConstantNonZeroDifferenceIsCertain() {
        double[] x = {3, 4, 5};
        double[] y = {1, 2, 3};
        PairedTests.Result r = PairedTests.pairedT(x, y);
        assertThat(r.statistic()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.pValue()).isZero();
        assertThat(PairedTests.pairedT(y, x).statistic()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void badSamplesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PairedTests.pairedT(new double[] {1}, new double[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 pairs, got 1");
        assertThatThrownBy(() -> PairedTests.wilcoxon(new double[] {1, 2}, new double[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same length, got 2 and 1");
        assertThatThrownBy(() -> PairedTests.pairedT(new double[] {1, Double.NaN}, new double[] {2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair 1 is NaN and 3.0");
        assertThatThrownBy(() -> PairedTests.correctedT(new double[] {1, 2}, new double[] {2, 3}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive number, got 0.0");
    }
}
