package io.tunelab.server.analysis;

import io.tunelab.api.PairedTest;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The intervals that know what the repetitions are: corrected for folds, cut to the metric's range. */
class RepetitionStatisticsByKindTest {
    /** t(0.975, 2 degrees of freedom). */
    private static final double T2 = 4.302652729749464;

    @Test
    void foldsWidenTheIntervalByTheNadeauBengioCorrection() {
        // s = 0.01, n = 3, k = 3: half-width t * s * sqrt(1/3 + 1/2)
        Statistics s = RepetitionStatistics.of("loss", new double[] {0.95, 0.97, 0.96}, RepetitionKind.folds(3));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(0.96, within(1e-12));
        assertThat(s.std()).isCloseTo(0.01, within(1e-12));
        assertThat(s.ciHigh() - s.mean()).isCloseTo(T2 * 0.01 * Math.sqrt(1.0 / 3 + 1.0 / 2), within(1e-12));
        assertThat(s.mean() - s.ciLow()).isCloseTo(T2 * 0.01 * Math.sqrt(1.0 / 3 + 1.0 / 2), within(1e-12));
    }

    @Test
    void moreFoldsMeanLessOverlapAndANarrowerInterval() {
        double[] v = {0.5, 0.7, 0.6, 0.65, 0.55};
        double fiveFolds = width(RepetitionStatistics.of("loss", v, RepetitionKind.folds(5)));
        double tenFolds = width(RepetitionStatistics.of("loss", v, RepetitionKind.folds(10)));
        double seeds = width(RepetitionStatistics.of("loss", v, RepetitionKind.seeds()));
        assertThat(fiveFolds).isGreaterThan(tenFolds);
        assertThat(tenFolds).isGreaterThan(seeds);
    }

    @Test
    void seedsKeepTheTextbookIntervalForUnboundedMetrics() {
        double[] v = {1.5, 2.5, 2.0, 4.0};
        assertThat(RepetitionStatistics.of("rmse", v, RepetitionKind.seeds(PairedTest.WILCOXON))).isEqualTo(RepetitionStatistics.of(v));
    }

    @Test
    void accuracyNearOneIsCutAtOne() {
        double[] v = {0.99, 1.0, 0.97};
        Statistics unclipped = RepetitionStatistics.of(v);
        assertThat(unclipped.ciHigh()).isGreaterThan(1);
        Statistics s = RepetitionStatistics.of("accuracy", v, RepetitionKind.seeds());
        assertThat(s.ciHigh()).isEqualTo(1.0);
        assertThat(s.ciLow()).isEqualTo(unclipped.ciLow());
        assertThat(s.mean()).isEqualTo(unclipped.mean());
        assertThat(RepetitionStatistics.of("accuracy", v, RepetitionKind.folds(3)).ciHigh()).isEqualTo(1.0);
    }

    @Test
    void aFractionNearZeroIsCutAtZero() {
        Statistics s = RepetitionStatistics.of("recall", new double[] {0.01, 0.0, 0.05}, RepetitionKind.folds(3));
        assertThat(s.ciLow()).isEqualTo(0.0);
        assertThat(s.ciHigh()).isGreaterThan(0.05);
    }

    @Test
    void r2IsCutAboveButNotBelow() {
        Statistics s = RepetitionStatistics.of("r2", new double[] {0.3, 0.99, -0.2}, RepetitionKind.seeds());
        assertThat(s.ciHigh()).isEqualTo(1.0);
        assertThat(s.ciLow()).isLessThan(-1);
    }

    @Test
    void aMetricOutsideItsNamedRangeIsNotCut() {
        // Accuracy in percent: the name promises [0, 1] but the values say otherwise.
        double[] v = {95, 97, 96};
        assertThat(RepetitionStatistics.of("accuracy", v, RepetitionKind.seeds())).isEqualTo(RepetitionStatistics.of(v));
    }

    @ParameterizedTest
    @ValueSource(strings = {"accuracy", "balanced_accuracy", "val_accuracy", "f1", "f1_macro", "auc", "roc_auc", "pr_auc",
            "precision", "precision_weighted", "recall", "Recall_macro"})
    void fractionMetricsLieBetweenZeroAndOne(String metric) {
        assertThat(MetricRange.of(metric)).isEqualTo(new MetricRange(0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"log_loss", "rmse", "mae", "epochs", "wall_time_s", "train_loss", "f1score", "accuracy_gain"})
    void otherMetricsAreUnbounded(String metric) {
        assertThat(MetricRange.of(metric)).isEqualTo(MetricRange.UNBOUNDED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"r2", "test_r2"})
    void r2IsAtMostOne(String metric) {
        assertThat(MetricRange.of(metric)).isEqualTo(new MetricRange(Double.NEGATIVE_INFINITY, 1));
    }

    @Test
    void perMetricStatisticsUseTheKindAndTheRangeOfEachMetric() {
        var reps = List.of(
                new Repetition(0, null, Map.of("accuracy", 0.99, "log_loss", 0.05, "extra", 1.0)),
                new Repetition(1, null, Map.of("accuracy", 1.0, "log_loss", 0.02)),
                new Repetition(2, null, Map.of("accuracy", 0.97, "log_loss", 0.08)));
        Map<String, Statistics> stats = RepetitionStatistics.of(reps, RepetitionKind.folds(3));
        assertThat(stats).containsOnlyKeys("accuracy", "log_loss");
        assertThat(stats.get("accuracy").ciHigh()).isEqualTo(1.0);
        assertThat(stats.get("log_loss")).isEqualTo(RepetitionStatistics.of("log_loss", new double[] {0.05, 0.02, 0.08}, RepetitionKind.folds(3)));
        assertThat(stats.get("log_loss").ciLow()).isNegative();
    }

    @Test
    void withoutAKindNothingIsCutOrCorrected() {
        var reps = List.of(Repetition.of(Map.of("accuracy", 0.99)), Repetition.of(Map.of("accuracy", 1.0)),
                Repetition.of(Map.of("accuracy", 0.97)));
        Statistics s = RepetitionStatistics.of(reps).get("accuracy");
        assertThat(s.ciHigh()).isGreaterThan(1);
        assertThat(s.ciHigh() - s.mean()).isCloseTo(T2 * s.std() / Math.sqrt(3), within(1e-12));
    }

    @Test
    void oneFoldHasNoSpread() {
        assertThat(RepetitionStatistics.of("accuracy", new double[] {0.9}, RepetitionKind.folds(5)))
                .isEqualTo(new Statistics(1, 0.9, 0, 0.9, 0.9));
    }

    private static double width(Statistics s) {
        return s.ciHigh() - s.ciLow();
    }
}
