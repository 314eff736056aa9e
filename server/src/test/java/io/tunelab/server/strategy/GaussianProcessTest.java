package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GaussianProcessTest {
    private static final boolean[] TWO_NUMERIC = {false, false};

    private static double[][] points(int n, long seed) {
        var rng = new SplittableRandom(seed);
        double[][] x = new double[n][];
        for (int j = 0; j < n; j++) {
            x[j] = new double[]{rng.nextDouble(), rng.nextDouble()};
        }
        return x;
    }

    @Test
    void itInterpolatesTheKnownPointsAndIsUnsureFarFromThem() {
        double[][] x = points(15, 1);
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = Math.sin(5 * x[j][0]) + x[j][1] * x[j][1];
        }
        double[] hyper = GaussianProcessFit.fit(x, y, TWO_NUMERIC, 200);
        var gp = new GaussianProcess(x, y, TWO_NUMERIC, hyper);
        double[] out = new double[2];
        for (int j = 0; j < x.length; j++) {
            gp.predict(x[j], out);
            assertThat(out[0]).isCloseTo(y[j], within(0.02));
            assertThat(out[1]).isLessThan(0.05);
        }
        gp.predict(new double[]{3, 3}, out);
        assertThat(out[1]).isGreaterThan(0.3);
    }

    @Test
    void theFitGivesAnIrrelevantParamALongerLengthScale() {
        double[][] x = points(30, 2);
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = Math.sin(6 * x[j][0]);
        }
        double[] hyper = GaussianProcessFit.fit(x, y, TWO_NUMERIC, 300);
        // hyper[i] is the log length scale of coordinate i; the second does not change y.
        assertThat(hyper[1] - hyper[0]).isGreaterThan(Math.log(3));
    }

    @Test
    void theFitBeatsItsStartOnTheLikelihoodPlusPrior() {
        double[][] x = points(20, 3);
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = Math.cos(8 * x[j][0]) * x[j][1];
        }
        double[] start = GaussianProcessFit.start(2);
        double[] fitted = GaussianProcessFit.fit(x, y, TWO_NUMERIC, 200);
        assertThat(GaussianProcessFit.logPosterior(x, y, TWO_NUMERIC, fitted))
                .isGreaterThan(GaussianProcessFit.logPosterior(x, y, TWO_NUMERIC, start) + 1);
    }

    @Test
    void aCategoricalCoordinateCountsOnlyWhetherTheChoicesDiffer() {
        var gp = new GaussianProcess(new double[][]{{0.1, 0.5}}, new double[]{0}, new boolean[]{true, false}, new double[]{0, 0, 0, -10});
        double near = gp.kernel(new double[]{0.1, 0.5}, new double[]{0.3, 0.5});
        double far = gp.kernel(new double[]{0.1, 0.5}, new double[]{0.9, 0.5});
        assertThat(near).isEqualTo(far).isLessThan(gp.kernel(new double[]{0.1, 0.5}, new double[]{0.1, 0.5}));
    }

    @Test
    void anInactiveParamIsFartherThanAnyActiveValueButTwoInactiveOnesAgree() {
        var gp = new GaussianProcess(new double[][]{{0.1, 0.5}}, new double[]{0}, TWO_NUMERIC, new double[]{0, 0, 0, -10});
        double same = gp.kernel(new double[]{0.2, Double.NaN}, new double[]{0.2, Double.NaN});
        double one = gp.kernel(new double[]{0.2, Double.NaN}, new double[]{0.2, 0.5});
        assertThat(same).isCloseTo(1.0, within(1e-12));
        assertThat(one).isLessThan(same);
    }

    @Test
    void predictionsAreBitForBitThoseOfTheLibrarysMatrixAndVectorOperations() {
        // Points with a categorical coordinate (2) and an inactive one (3 is NaN for some), as a
        // conditional mixed space gives; the reference is the same model computed with
        // commons-math's RealMatrix and RealVector, which predict replaced for speed.
        var rng = new SplittableRandom(4);
        boolean[] categorical = {false, false, true, false};
        double[][] x = new double[60][];
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = mixedPoint(rng);
            y[j] = rng.nextGaussian();
        }
        double[] hyper = {-1.2, -0.4, 0.3, -0.8, 0.2, Math.log(1e-4)};
        var gp = new GaussianProcess(x, y, categorical, hyper);
        int n = x.length;
        double signal = Math.exp(hyper[4]);
        double[][] k = new double[n][n];
        for (int a = 0; a < n; a++) {
            k[a][a] = signal + Math.exp(hyper[5]) + 1e-9;
            for (int b = 0; b < a; b++) {
                k[a][b] = gp.kernel(x[a], x[b]);
                k[b][a] = k[a][b];
            }
        }
        var cholesky = new CholeskyDecomposition(new Array2DRowRealMatrix(k, false), 1e-12, 1e-14);
        var ones = new ArrayRealVector(n, 1.0);
        var values = new ArrayRealVector(y, false);
        var kInvOnes = cholesky.getSolver().solve(ones);
        double mean = kInvOnes.dotProduct(values) / kInvOnes.dotProduct(ones);
        double[] alpha = cholesky.getSolver().solve(values.mapSubtract(mean)).toArray();
        var lower = new Array2DRowRealMatrix(cholesky.getL().getData(), false);
        assertThat(gp.mean()).isEqualTo(mean);
        double[] out = new double[2];
        for (int t = 0; t < 200; t++) {
            double[] point = t < n ? x[t] : mixedPoint(rng);
            double[] kernels = new double[n];
            double mu = mean;
            for (int a = 0; a < n; a++) {
                kernels[a] = gp.kernel(point, x[a]);
                mu += kernels[a] * alpha[a];
            }
            var v = new ArrayRealVector(kernels, false);
            MatrixUtils.solveLowerTriangularSystem(lower, v);
            gp.predict(point, out);
            assertThat(out[0]).isEqualTo(mu);
            assertThat(out[1]).isEqualTo(Math.sqrt(Math.max(signal - v.dotProduct(v), 1e-12 * signal)));
        }
    }

    /** Two numeric coordinates, a categorical one of three choices, and one inactive a third of the time. */
    private static double[] mixedPoint(SplittableRandom rng) {
        return new double[]{rng.nextDouble(), rng.nextDouble(), rng.nextInt(3) / 3.0, rng.nextInt(3) == 0 ? Double.NaN : rng.nextDouble()};
    }

    @Test
    void logExpectedImprovementMatchesTheClosedFormAndStaysFiniteFarBelow() {
        for (double z : new double[]{-12, -5, -2, -0.5, 0, 0.7, 3}) {
            double pdf = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
            double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
            assertThat(ExpectedImprovement.logEi(z)).isCloseTo(Math.log(pdf + z * cdf), within(1e-6));
        }
        // At −20 the asymptotic series takes over; it agrees with the closed form there.
        double pdf = Math.exp(-200) / Math.sqrt(2 * Math.PI);
        double cdf = 0.5 * Erf.erfc(20 / Math.sqrt(2));
        assertThat(ExpectedImprovement.logEi(-20)).isCloseTo(Math.log(pdf - 20 * cdf), within(1e-6));
        assertThat(ExpectedImprovement.logEi(-40)).isFinite().isLessThan(ExpectedImprovement.logEi(-39));
    }
}
