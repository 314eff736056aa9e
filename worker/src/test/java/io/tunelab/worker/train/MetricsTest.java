package io.tunelab.worker.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {
    @Test
    void classificationMetricsMatchHandComputedValues() {
        double[][] p = {{0.9, 0.1}, {0.4, 0.6}, {0.3, 0.7}, {0.8, 0.2}};
        double[] truth = {0, 0, 1, 1};
        var m = Metrics.classification(p, truth);

        assertThat(m.get("accuracy")).isEqualTo(0.5);
        // class 0: tp 1, predicted 2, actual 2 → F1 0.5; class 1 likewise.
        assertThat(m.get("f1_macro")).isEqualTo(0.5);
        double logLoss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.7) + Math.log(0.2)) / 4;
        assertThat(m.get("log_loss")).isCloseTo(logLoss, within(1e-12));
        // positives score 0.7 and 0.2, negatives 0.1 and 0.6: 0.7 beats both, 0.2 beats one → 3 of 4 pairs.
        assertThat(m.get("roc_auc")).isEqualTo(0.75);
    }

    @Test
    void macroF1AveragesOverTheClassesThatOccur() {
        // Three classes known, two occur: classes 0 and 1 each have F1 2/3; class 2 never occurs and is left out.
        double[][] p = {{0.9, 0.05, 0.05}, {0.1, 0.8, 0.1}, {0.8, 0.1, 0.1}};
        var m = Metrics.classification(p, new double[] {0, 1, 1});
        assertThat(m.get("f1_macro")).isCloseTo((2.0 / 3 + 2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void rocAucCountsTiesAsHalfAndIsOnlyForTwoClasses() {
        assertThat(Metrics.rocAuc(new double[] {0.5, 0.5}, new double[] {0, 1})).isEqualTo(0.5);
        assertThat(Metrics.classification(new double[][] {{1, 0, 0}}, new double[] {0})).doesNotContainKey("roc_auc");
    }

    @Test
    void regressionMetricsMatchHandComputedValues() {
        var m = Metrics.regression(new double[] {2, 4, 6}, new double[] {1, 4, 7});
        assertThat(m.get("rmse")).isCloseTo(Math.sqrt(2.0 / 3), within(1e-12));
        assertThat(m.get("mae")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.get("r2")).isCloseTo(1 - 2.0 / 18, within(1e-12));
    }
}
