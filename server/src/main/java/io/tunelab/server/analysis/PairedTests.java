package io.tunelab.server.analysis;

import io.tunelab.api.PairedTest;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Variance;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.TTest;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

import java.util.Arrays;

/**
 * Two-sided paired tests of two samples whose i-th values come from the same repetition (the
 * same fold or seed), as scipy computes them. Each tests the differences {@code x[i] - y[i]}.
 *
 * <p>When every difference is zero the samples cannot be told apart: the statistic is 0 and
 * p is 1. When the differences are all equal but not zero, the t statistic is infinite and p is 0.
 */
public final class PairedTests {
    private static final TTest T_TEST = TTest.withDefaults();
    private static final WilcoxonSignedRankTest WILCOXON = WilcoxonSignedRankTest.withDefaults()
            .with(ContinuityCorrection.DISABLED);

    private PairedTests() {
    }

    /** The outcome of one test on {@code n} pairs. */
    public record Result(PairedTest test, int n, double statistic, double pValue) {
    }

    /** The test the kind of repetition calls for. */
    public static Result compare(RepetitionKind kind, double[] x, double[] y) {
        return switch (kind) {
            case RepetitionKind.Folds folds -> correctedT(x, y, folds.testTrainRatio());
            case RepetitionKind.Seeds seeds -> seeds.test() == PairedTest.WILCOXON ? wilcoxon(x, y) : pairedT(x, y);
        };
    }

    /** Student's paired t-test, as {@code scipy.stats.ttest_rel}: n − 1 degrees of freedom. */
    public static Result pairedT(double[] x, double[] y) {
        double[] d = differences(x, y);
        return tTest(PairedTest.PAIRED_T, d, Variance.of(d).getAsDouble());
    }

    /**
     * Nadeau and Bengio's corrected resampled t-test: the paired t-test with the variance of the
     * differences multiplied by (1/n + n_test/n_train) instead of 1/n, because resampled training
     * sets overlap and their scores are not independent. For k-fold cross-validation
     * {@code testTrainRatio} is 1/(k − 1).
     */
    public static Result correctedT(double[] x, double[] y, double testTrainRatio) {
        if (!(testTrainRatio > 0) || Double.isInfinite(testTrainRatio)) {
            throw new IllegalArgumentException("the test/train ratio must be a positive number, got " + testTrainRatio);
        }
        double[] d = differences(x, y);
        // The library divides the variance by n; multiplying it by (1 + n * ratio) first gives the corrected one.
        return tTest(PairedTest.CORRECTED_T, d, Variance.of(d).getAsDouble() * (1 + d.length * testTrainRatio));
    }

    /**
     * The Wilcoxon signed-rank test with scipy's default zero handling
     * ({@code zero_method="wilcox"}: zero differences are dropped before ranking) and no
     * continuity correction. The p-value is exact when no difference is zero, no two absolute
     * differences tie and at most 50 remain; otherwise it is the normal approximation with the
     * tie correction ({@code method="approx"}). The statistic is the smaller rank sum, as scipy's.
     */
    public static Result wilcoxon(double[] x, double[] y) {
        double[] d = differences(x, y);
        double[] nonZero = Arrays.stream(d).filter(v -> v != 0).toArray();
        if (nonZero.length == 0) {
            return new Result(PairedTest.WILCOXON, d.length, 0, 1);
        }
        // scipy gives up the exact distribution as soon as there are zeros; the library then falls back on its own for ties.
        PValueMethod method = nonZero.length < d.length ? PValueMethod.ASYMPTOTIC : PValueMethod.AUTO;
        var result = WILCOXON.with(method).test(nonZero);
        double total = nonZero.length * (nonZero.length + 1) / 2.0;
        double smaller = Math.min(result.getStatistic(), total - result.getStatistic());
        return new Result(PairedTest.WILCOXON, d.length, smaller, result.getPValue());
    }

    private static Result tTest(PairedTest test, double[] d, double variance) {
        double mean = Mean.of(d).getAsDouble();
        if (variance == 0) {
            return mean == 0
                    ? new Result(test, d.length, 0, 1)
                    : new Result(test, d.length, Math.copySign(Double.POSITIVE_INFINITY, mean), 0);
        }
        var result = T_TEST.test(mean, variance, d.length);
        return new Result(test, d.length, result.getStatistic(), result.getPValue());
    }

    private static double[] differences(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples must have the same length, got " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("a paired test needs at least 2 pairs, got " + x.length);
        }
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
            if (!Double.isFinite(d[i])) {
                throw new IllegalArgumentException("paired samples must be finite numbers, pair " + i + " is "
                        + x[i] + " and " + y[i]);
            }
        }
        return d;
    }
}
