package io.tunelab.experiments.racing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NoisySuiteTest {
    @Test
    void theTruthHasItsMinimumNearTheBowlsCentreAndItsBest5PercentAroundIt() {
        assertThat(NoisySuite.minimum()).isLessThanOrEqualTo(NoisySuite.truth(0.72, 0.28));
        assertThat(NoisySuite.regret(0.72, 0.28)).isLessThan(0.03);
        assertThat(NoisySuite.truth(0.72, 0.28)).isLessThan(NoisySuite.quantile(0.05));
        assertThat(NoisySuite.truth(0.1, 0.9)).isGreaterThan(NoisySuite.quantile(0.05));
        assertThat(NoisySuite.quantile(0.05)).isGreaterThan(NoisySuite.minimum()).isLessThan(NoisySuite.quantile(0.5));
        assertThat(NoisySuite.regret(0.1, 0.9)).isCloseTo(NoisySuite.truth(0.1, 0.9) - NoisySuite.minimum(), within(1e-15));
    }

    @Test
    void observationsAreTheTruthPlusNoiseOfTheLocalSizeAndRepeatExactly() {
        var suite = new NoisySuite(3);
        int n = 20_000;
        for (double[] at : new double[][] {{0.5, 0.1}, {0.5, 0.9}}) {
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < n; r++) {
                double noise = suite.observe(at[0], at[1], r) - NoisySuite.truth(at[0], at[1]);
                sum += noise;
                squares += noise * noise;
            }
            double sigma = NoisySuite.sigma(at[0], at[1]);
            assertThat(sum / n).isCloseTo(0, within(4 * sigma / Math.sqrt(n)));
            assertThat(Math.sqrt(squares / n)).isCloseTo(sigma, within(0.03 * sigma));
        }
        assertThat(suite.observe(0.3, 0.4, 2)).isEqualTo(new NoisySuite(3).observe(0.3, 0.4, 2))
                .isNotEqualTo(new NoisySuite(4).observe(0.3, 0.4, 2));
        assertThat(NoisySuite.sigma(0.5, 1)).isCloseTo(11 * NoisySuite.sigma(0.5, 0), within(1e-12));
    }

    @Test
    void repetitionsShareTheirNoiseAcrossConfigurationsAsFoldsDo() {
        var suite = new NoisySuite(5);
        int n = 20_000;
        double product = 0;
        double a2 = 0;
        double b2 = 0;
        for (int r = 0; r < n; r++) {
            double a = suite.observe(0.2, 0.5, r) - NoisySuite.truth(0.2, 0.5);
            double b = suite.observe(0.8, 0.5, r) - NoisySuite.truth(0.8, 0.5);
            product += a * b;
            a2 += a * a;
            b2 += b * b;
        }
        // Two configurations' noise on the same repetition correlates by rho².
        assertThat(product / Math.sqrt(a2 * b2)).isCloseTo(NoisySuite.RHO * NoisySuite.RHO, within(0.03));
    }

    @Test
    void theSummaryPrintsBothSearchesAndTheRatioOfTheirMedianRegrets() {
        var fixed = List.of(new RacingBenchmark.Run(50, 0, 3, 0.04, false), new RacingBenchmark.Run(50, 0, 3, 0.02, true));
        var raced = List.of(new RacingBenchmark.Run(70, 40, 6, 0.01, true), new RacingBenchmark.Run(70, 40, 6, 0.02, true));

        String summary = RacingBenchmark.summary(fixed, raced, 150, io.tunelab.api.Racing.of(2, 6), "random", 2);

        assertThat(summary).contains("| repetitions: 3 | 50 | 0.0300 | 0.0300 | 1 of 2 |")
                .contains("| racing 2 to 6 | 70 | 0.0150 | 0.0150 | 2 of 2 |")
                .contains("racing's median regret / fixed repetitions': 0.50");
    }
}
