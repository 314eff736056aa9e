package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PreprocessorTest {
    static PreprocessingSpec spec(String imputation, String outliers, String scaling, String dimensionality, int components) {
        return new PreprocessingSpec(imputation, outliers, scaling, dimensionality, components);
    }

    static double[][] randomRows(int n, int d, long seed) {
        var r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int c = 0; c < d; c++) {
                row[c] = r.nextGaussian() * (c + 1) + 10 * c;
            }
        }
        return x;
    }

    @Test
    void validationRowsNeverChangeWhatIsFitted() {
        double[][] train = randomRows(50, 3, 1);
        double[][] validation = {{1e6, -1e6, 1e6}, {Double.NaN, 5, 5}};
        for (String scaling : PreprocessingSpec.SCALINGS) {
            for (String outliers : PreprocessingSpec.OUTLIERS) {
                var s = spec("median", outliers, scaling, "pca", 2);
                var fitted = Preprocessor.fit(s, train).preprocessor();
                double[][] before = fitted.transform(train);
                fitted.transform(validation);
                // Fitting again on the same training rows gives the same numbers: nothing leaked from elsewhere.
                assertThat(Preprocessor.fit(s, train).preprocessor().transform(train)).isDeepEqualTo(before);
            }
        }
    }

    @Test
    void standardScalingUsesTheTrainingRowsStatisticsOnly() {
        double[][] train = {{1}, {2}, {3}, {4}};
        double[][] validation = {{100}, {200}};
        var p = Preprocessor.fit(spec("none", "none", "standard", "none", 0), train).preprocessor();

        assertThat(p.center()[0]).isEqualTo(2.5);
        assertThat(p.scale()[0]).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(p.transform(validation)[0][0]).isCloseTo((100 - 2.5) / Math.sqrt(5.0 / 3), within(1e-9));
    }

    @Test
    void minmaxAndRobustScalingMapTheTrainingRange() {
        double[][] train = {{0}, {5}, {10}, {20}};
        var minmax = Preprocessor.fit(spec("none", "none", "minmax", "none", 0), train).preprocessor();
        assertThat(minmax.transform(new double[][] {{0}, {20}, {30}})).isDeepEqualTo(new double[][] {{0}, {1}, {1.5}});

        var robust = Preprocessor.fit(spec("none", "none", "robust", "none", 0), train).preprocessor();
        // median 7.5, quartiles 3.75 and 12.5
        assertThat(robust.transform(new double[][] {{7.5}})[0][0]).isEqualTo(0.0);
        assertThat(robust.scale()[0]).isCloseTo(8.75, within(1e-12));
    }

    @Test
    void imputationFillsMissingCellsWithTrainingValues() {
        double[][] train = {{1, 7}, {2, 7}, {Double.NaN, 9}, {6, Double.NaN}};
        assertThat(Preprocessor.fit(spec("mean", "none", "none", "none", 0), train).preprocessor().fill())
                .containsExactly(3.0, 23.0 / 3);
        assertThat(Preprocessor.fit(spec("median", "none", "none", "none", 0), train).preprocessor().fill())
                .containsExactly(2.0, 7.0);
        assertThat(Preprocessor.fit(spec("most_frequent", "none", "none", "none", 0), train).preprocessor().fill())
                .containsExactly(1.0, 7.0);
        var p = Preprocessor.fit(spec("median", "none", "none", "none", 0), train).preprocessor();
        assertThat(p.transform(new double[][] {{Double.NaN, Double.NaN}})[0]).containsExactly(2.0, 7.0);
    }

    @Test
    void missingCellsWithoutImputationAreAClearError() {
        assertThatThrownBy(() -> Preprocessor.fit(PreprocessingSpec.none(), new double[][] {{1}, {Double.NaN}}))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageContaining("1 missing cells").hasMessageContaining("preprocessing.imputation");
    }

    @Test
    void clipIqrClipsToTheTrainingFencesAndDropZscoreDropsTrainingRowsOnly() {
        double[][] train = new double[21][1];
        for (int i = 0; i < 20; i++) {
            train[i][0] = i % 5;
        }
        train[20][0] = 1000;
        var clip = Preprocessor.fit(spec("none", "clip_iqr", "none", "none", 0), train).preprocessor();
        assertThat(clip.clipHigh()[0]).isLessThan(10);
        assertThat(clip.transform(new double[][] {{1000}, {-1000}, {2}})[2][0]).isEqualTo(2.0);
        assertThat(clip.transform(new double[][] {{1000}})[0][0]).isEqualTo(clip.clipHigh()[0]);

        var drop = Preprocessor.fit(spec("none", "drop_zscore", "none", "none", 0), train);
        assertThat(drop.kept()).hasSize(20).doesNotContain(20);
        assertThat(drop.preprocessor().transform(new double[][] {{1000}})).hasDimensions(1, 1);
    }

    @Test
    void pcaKeepsTheDirectionsOfLargestTrainingVariance() {
        var r = new Random(3);
        double[][] train = new double[200][3];
        for (double[] row : train) {
            double t = r.nextGaussian() * 10;
            row[0] = t;
            row[1] = t + r.nextGaussian() * 0.1;
            row[2] = r.nextGaussian() * 0.1;
        }
        var p = Preprocessor.fit(spec("none", "none", "none", "pca", 1), train).preprocessor();
        double[] w = p.pcaComponents()[0];
        assertThat(Math.abs(w[0])).isCloseTo(Math.sqrt(0.5), within(0.01));
        assertThat(Math.abs(w[2])).isLessThan(0.01);
        assertThat(p.transform(train)[0]).hasSize(1);
        assertThat(p.outputWidth(3)).isEqualTo(1);
    }

    @Test
    void morePcaComponentsThanFeaturesIsAClearError() {
        assertThatThrownBy(() -> Preprocessor.fit(spec("none", "none", "standard", "pca", 5), randomRows(10, 4, 1)))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessage("preprocessing.components (5) exceeds the number of input features (4)");
    }

    @Test
    void transformNeverChangesItsInput() {
        double[][] rows = randomRows(5, 2, 9);
        double[][] copy = Arrays.stream(rows).map(double[]::clone).toArray(double[][]::new);
        Preprocessor.fit(spec("mean", "clip_iqr", "standard", "pca", 2), rows).preprocessor().transform(rows);
        assertThat(rows).isDeepEqualTo(copy);
    }
}
