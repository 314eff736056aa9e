package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A Gaussian process conditioned on points of the unit cube: Matérn 5/2 kernel with one length
 * scale per coordinate (ARD), a constant mean (its generalised-least-squares estimate) and
 * Gaussian noise. The factorisation is commons-math's {@link CholeskyDecomposition}.
 *
 * <p>Distances: a numeric coordinate contributes ((a − b) / ℓ)²; a categorical one (a Hamming
 * term) contributes 1/ℓ² when the two choices differ. A coordinate that one point has and the
 * other does not (an inactive conditional param, NaN) contributes 1/ℓ², two NaNs nothing.
 *
 * <p>Immutable once built.
 */
final class GaussianProcess {
    private static final double SQRT5 = Math.sqrt(5);
    /** Added to the diagonal on top of the noise, so that duplicate points still factorise. */
    private static final double JITTER = 1e-9;

    private final double[][] x;
    private final double[] inverseScales;
    private final boolean[] categorical;
    private final double signal;
    private final double mean;
    private final double[] alpha;
    private final RealMatrix lower;
    private final double logMarginalLikelihood;

    /**
     * The process conditioned on {@code y} at {@code x}.
     *
     * @param x           the points, one row each
     * @param y           the values (standardised by the caller)
     * @param categorical which coordinates are categorical (Hamming distance)
     * @param hyper       log length scales (one per coordinate), then log signal variance, then
     *                    log noise variance
     * @throws NonPositiveDefiniteMatrixException when the kernel matrix does not factorise
     */
    GaussianProcess(double[][] x, double[] y, boolean[] categorical, double[] hyper) {
        int n = x.length;
        int d = categorical.length;
        this.x = x;
        this.categorical = categorical;
        this.inverseScales = new double[d];
        for (int i = 0; i < d; i++) {
            inverseScales[i] = Math.exp(-hyper[i]);
        }
        this.signal = Math.exp(hyper[d]);
        double noise = Math.exp(hyper[d + 1]);
        double[][] k = new double[n][n];
        for (int a = 0; a < n; a++) {
            k[a][a] = signal + noise + JITTER;
            for (int b = 0; b < a; b++) {
                double v = kernel(x[a], x[b]);
                k[a][b] = v;
                k[b][a] = v;
            }
        }
        RealMatrix matrix = new Array2DRowRealMatrix(k, false);
        var cholesky = new CholeskyDecomposition(matrix, 1e-12, 1e-14);
        DecompositionSolver solver = cholesky.getSolver();
        var ones = new ArrayRealVector(n, 1.0);
        var values = new ArrayRealVector(y, false);
        var kInvOnes = solver.solve(ones);
        double m = kInvOnes.dotProduct(values) / kInvOnes.dotProduct(ones);
        this.mean = Double.isFinite(m) ? m : 0;
        var residual = values.mapSubtract(mean);
        var a = solver.solve(residual);
        this.alpha = a.toArray();
        // Array-backed: the library returns a block matrix from 4,096 entries, whose element access is slower.
        this.lower = new Array2DRowRealMatrix(cholesky.getL().getData(), false);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += 2 * Math.log(lower.getEntry(i, i));
        }
        this.logMarginalLikelihood = -0.5 * residual.dotProduct(a) - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
    }

    /** The log marginal likelihood of the values it was conditioned on. */
    double logMarginalLikelihood() {
        return logMarginalLikelihood;
    }

    /** The estimated constant mean. */
    double mean() {
        return mean;
    }

    /**
     * The posterior at {@code point}: {@code out[0]} the mean, {@code out[1]} the standard
     * deviation of the latent function (noise not included).
     */
    void predict(double[] point, double[] out) {
        int n = x.length;
        double[] k = new double[n];
        double mu = mean;
        for (int a = 0; a < n; a++) {
            k[a] = kernel(point, x[a]);
            mu += k[a] * alpha[a];
        }
        // kᵀK⁻¹k = |L⁻¹k|²: one triangular solve.
        var v = new ArrayRealVector(k, false);
        MatrixUtils.solveLowerTriangularSystem(lower, v);
        double variance = signal - v.dotProduct(v);
        out[0] = mu;
        out[1] = Math.sqrt(Math.max(variance, 1e-12 * signal));
    }

    /** Matérn 5/2 between two points. */
    double kernel(double[] p, double[] q) {
        double r2 = 0;
        for (int i = 0; i < inverseScales.length; i++) {
            double pi = p[i];
            double qi = q[i];
            double s = inverseScales[i];
            if (Double.isNaN(pi) || Double.isNaN(qi)) {
                r2 += Double.isNaN(pi) == Double.isNaN(qi) ? 0 : s * s;
            } else if (categorical[i]) {
                r2 += pi == qi ? 0 : s * s;
            } else {
                double t = (pi - qi) * s;
                r2 += t * t;
            }
        }
        double r = Math.sqrt(r2);
        return signal * (1 + SQRT5 * r + 5 * r2 / 3) * Math.exp(-SQRT5 * r);
    }
}
