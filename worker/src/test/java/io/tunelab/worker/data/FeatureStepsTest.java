package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class FeatureStepsTest {

    static FeatureSpec spec(String skew, Double variance, Double correlation, String selection, int k, String interactions) {
        return new FeatureSpec("parts", skew, 0.75, variance, correlation, selection, k, interactions);
    }

    /** Four inputs over 200 rows: 0 decides the class, 1 is noise, 2 is almost constant, 3 is a copy of 0 with noise. */
    static double[][] rows(double[] y) {
        var random = new Random(5);
        double[][] x = new double[y.length][4];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 2;
            x[i][0] = y[i] * 2 + random.nextGaussian() * 0.5;
            x[i][1] = random.nextGaussian();
            x[i][2] = 1 + random.nextGaussian() * 1e-4;
            x[i][3] = x[i][0] + random.nextGaussian() * 0.01;
        }
        return x;
    }

    @Test
    void noStepMeansNoFittedSteps() {
        double[] y = new double[20];
        assertThat(FeatureSteps.fit(FeatureSpec.none(), rows(y), y, 2, null)).isNull();
    }

    @Test
    void theVarianceThresholdDropsTheNearlyConstantInput() {
        double[] y = new double[200];
        var steps = FeatureSteps.fit(spec("none", 1e-3, null, "none", 0, "none"), rows(y), y, 2, null);

        assertThat(steps.kept()).containsExactly(0, 1, 3);
        assertThat(steps.dropped()).containsEntry("variance", 1);
    }

    @Test
    void theCorrelationFilterKeepsOneOfEachCorrelatedPair() {
        double[] y = new double[200];
        var steps = FeatureSteps.fit(spec("none", null, 0.95, "none", 0, "none"), rows(y), y, 2, null);

        assertThat(steps.kept()).containsExactly(0, 1, 2);
        assertThat(steps.dropped()).containsEntry("correlation", 1);
    }

    @Test
    void bothScoresSelectTheInputThatDecidesTheClass() {
        double[] y = new double[200];
        double[][] x = rows(y);
        for (String selection : List.of("anova_f", "mutual_info")) {
            var steps = FeatureSteps.fit(spec("none", null, 0.95, selection, 1, "none"), x, y, 2, null);
            assertThat(steps.kept()).as(selection).containsExactly(0);
            assertThat(steps.transform(x)[7]).containsExactly(x[7][0]);
        }
    }

    @Test
    void aKAboveTheRemainingInputsKeepsThemAll() {
        double[] y = new double[200];
        var steps = FeatureSteps.fit(spec("none", 1e-3, 0.95, "anova_f", 4, "none"), rows(y), y, 2, null);
        assertThat(steps.kept()).containsExactly(0, 1);
    }

    @Test
    void selectionForRegressionScoresByFRegression() {
        var random = new Random(3);
        double[][] x = new double[100][3];
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            x[i] = new double[] {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            y[i] = 3 * x[i][2] + 0.1 * random.nextGaussian();
        }
        assertThat(FeatureSteps.fit(spec("none", null, null, "anova_f", 1, "none"), x, y, 0, null).kept()).containsExactly(2);
        assertThat(FeatureSteps.fit(spec("none", null, null, "mutual_info", 1, "none"), x, y, 0, null).kept()).containsExactly(2);
    }

    @Test
    void pairwiseInteractionsAppendTheProductOfEveryPair() {
        double[][] x = {{1, 2, 3}, {4, 5, 6}, {0, 1, -1}};
        var steps = FeatureSteps.fit(spec("none", null, null, "none", 0, "pairwise"), x, null, 0, null);

        assertThat(steps.outputWidth()).isEqualTo(6);
        assertThat(steps.transform(new double[][] {{2, 3, 5}})[0]).containsExactly(2, 3, 5, 6, 10, 15);
    }

    @Test
    void tooManyInteractionsAreRefusedNamingTheField() {
        double[][] x = new double[3][100];
        assertThatThrownBy(() -> FeatureSteps.fit(spec("none", null, null, "none", 0, "pairwise"), x, null, 0, null))
                .isInstanceOf(TunelabException.class).hasMessageContaining("preprocessing.interactions")
                .hasMessageContaining("4950");
    }

    @Test
    void logTransformsOnlyThePositivelySkewedInputWithTheTrainingMinimum() {
        double[] skewed = {0.1, 0.3, 0.2, 1.5, 2.2, 0.4, 7.9, 0.05, 3.3, 0.8, 12.5, 0.6};
        double[][] x = new double[skewed.length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {skewed[i], i};
        }
        var steps = FeatureSteps.fit(spec("log", null, null, "none", 0, "none"), x, null, 0, null);

        assertThat(steps.skewParams()[0]).isEqualTo(0.05);
        assertThat(steps.skewParams()[1]).isNaN();
        // A value below the training minimum maps to 0, not to NaN.
        assertThat(steps.transform(new double[][] {{1.05, 3}, {-4, 3}})).isDeepEqualTo(new double[][] {{Math.log(2), 3}, {0, 3}});
    }

    @Test
    void yeoJohnsonMatchesScipy() {
        double[] skewed = {0.1, 0.3, 0.2, 1.5, 2.2, 0.4, 7.9, 0.05, 3.3, 0.8, 12.5, 0.6};
        // scipy 1.17: stats.skew(x, bias=False), stats.yeojohnson_normmax(x), stats.yeojohnson([0.1, -2, 5], λ)
        assertThat(SkewTransform.skewness(skewed)).isCloseTo(2.0727689446766875, offset(1e-12));
        double lambda = SkewTransform.fitLambda(skewed);
        assertThat(lambda).isCloseTo(-0.8120233850952889, offset(1e-5));
        assertThat(SkewTransform.yeoJohnson(0.1, lambda)).isCloseTo(0.09171529, offset(1e-6));
        assertThat(SkewTransform.yeoJohnson(-2.0, lambda)).isCloseTo(-7.45449503, offset(1e-4));
        assertThat(SkewTransform.yeoJohnson(5.0, lambda)).isCloseTo(0.94404683, offset(1e-6));
    }

    @Test
    void scoresMatchScipy() {
        // scipy 1.17: stats.f_oneway([1, 2, 3, 2.5], [4, 5.5, 5, 6], [2, 3, 2.2, 2.8]).statistic
        double[][] x = {{1}, {2}, {3}, {2.5}, {4}, {5.5}, {5}, {6}, {2}, {3}, {2.2}, {2.8}};
        double[] y = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        assertThat(FeatureScores.anovaF(x, y, 3)[0]).isCloseTo(19.02818991097923, offset(1e-9));
        // r² / (1 − r²) · (n − 2) with r = stats.pearsonr(a, y).statistic
        double[][] a = {{1}, {2}, {3}, {4}, {5}, {6}, {7.5}};
        double[] t = {2.1, 3.9, 6.2, 8.1, 9.8, 12.5, 14.0};
        assertThat(FeatureScores.anovaF(a, t, 0)[0]).isCloseTo(537.117183042708, offset(1e-6));
    }

    @Test
    void datePartsCanBeDropped() {
        double[][] x = {{2024, 3, 5, 2, 0, 1.5}, {2023, 1, 1, 7, 12, 2.5}, {2022, 6, 9, 4, 0, 0.5}};
        boolean[] dates = {true, true, true, true, true, false};
        var steps = FeatureSteps.fit(new FeatureSpec("drop", "none", 0.75, null, null, "none", 0, "none"), x, null, 0, dates);

        assertThat(steps.kept()).containsExactly(5);
        assertThat(steps.dropped()).containsEntry("dates", 5);
        assertThat(FeatureSteps.fit(FeatureSpec.none(), x, null, 0, dates)).isNull();
    }

    @Test
    void selectionIsFittedOnTheTrainingRowsOnly() {
        double[] y = new double[200];
        double[][] x = rows(y);
        var preprocessor = Preprocessor.fit(new PreprocessingSpec("none", "none", "none", "none", 0,
                spec("none", null, null, "anova_f", 2, "none")), x, y, 2, null).preprocessor();
        // Validation rows in which input 1 decides the class change nothing that was fitted.
        double[][] other = {{0, 5, 1, 0}, {0, -5, 1, 0}};
        assertThat(preprocessor.steps().kept()).containsExactly(0, 3);
        assertThat(preprocessor.transform(other)).isDeepEqualTo(new double[][] {{0, 0}, {0, 0}});
        assertThat(preprocessor.describe(4, List.of("a", "b", "c", "d"))).containsEntry("outputs", 2);
    }
}
