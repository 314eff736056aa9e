package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
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

    private final int n;
    /** The points by coordinate: {@code columns[i][a]} is coordinate i of point a. */
    private final double[][] columns;
    /** Whether any point lacks coordinate i (an inactive param, NaN). */
    private final boolean[] columnHasNaN;
    private final double[] inverseScales;
    private final boolean[] categorical;
    private final double signal;
    private final double mean;
    private final double[] alpha;
    /** The Cholesky factor L transposed: row i holds column i of L, so a forward substitution reads rows. */
    private final double[][] lowerByColumn;
    private final double logMarginalLikelihood;
    private final double[] hyper;

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
        this(x, y, categorical, hyper, x.length);
    }

    /**
     * The process conditioned on {@code y} at {@code x}, where only the first {@code noisy}
     * values carry the noise and the rest are exact (believed values, not measurements).
     *
     * @throws NonPositiveDefiniteMatrixException when the kernel matrix does not factorise
     */
    GaussianProcess(double[][] x, double[] y, boolean[] categorical, double[] hyper, int noisy) {
        int n = x.length;
        int d = categorical.length;
        this.n = n;
        this.hyper = hyper.clone();
        this.columns = new double[d][n];
        this.columnHasNaN = new boolean[d];
        for (int a = 0; a < n; a++) {
            for (int i = 0; i < d; i++) {
                columns[i][a] = x[a][i];
                columnHasNaN[i] |= Double.isNaN(x[a][i]);
            }
        }
        this.categorical = categorical;
        this.inverseScales = new double[d];
        for (int i = 0; i < d; i++) {
            inverseScales[i] = Math.exp(-hyper[i]);
        }
        this.signal = Math.exp(hyper[d]);
        double noise = Math.exp(hyper[d + 1]);
        double[][] k = new double[n][n];
        for (int a = 0; a < n; a++) {
            kernels(x[a], a, k[a]);
            k[a][a] = a < noisy ? signal + noise + JITTER : signal + JITTER;
            for (int b = 0; b < a; b++) {
                k[b][a] = k[a][b];
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
        this.lowerByColumn = cholesky.getLT().getData();
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += 2 * Math.log(lowerByColumn[i][i]);
        }
        this.logMarginalLikelihood = -0.5 * residual.dotProduct(a) - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
    }

    /** The log marginal likelihood of the values it was conditioned on. */
    double logMarginalLikelihood() {
        return logMarginalLikelihood;
    }

    /** The hyperparameters it was built with. */
    double[] hyper() {
        return hyper.clone();
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
        double[] v = new double[n];
        kernels(point, n, v);
        double mu = mean;
        for (int a = 0; a < n; a++) {
            mu += v[a] * alpha[a];
        }
        double variance = signal - solvedSquares(v);
        out[0] = mu;
        out[1] = Math.sqrt(Math.max(variance, 1e-12 * signal));
    }

    /**
     * kᵀK⁻¹k = |L⁻¹k|² for k = {@code v}, which it overwrites with L⁻¹k: forward substitution
     * column by column, then the sum of squares. Each operation and its order are those of
     * commons-math's MatrixUtils.solveLowerTriangularSystem and ArrayRealVector.dotProduct (the
     * same bits), on plain arrays: the library's element access through RealMatrix and
     * RealVector took most of a proposal's time.
     */
    private double solvedSquares(double[] v) {
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double[] column = lowerByColumn[i];
            double vi = v[i] / column[i];
            squares += vi * vi;
            for (int j = i + 1; j < n; j++) {
                v[j] -= vi * column[j];
            }
        }
        return squares;
    }

    /**
     * {@link #kernel} between {@code point} and each of the first {@code count} points, into
     * {@code out}: the same bits, computed coordinate by coordinate over all points (each point's
     * squared distance summed in coordinate order, as there; the zero terms are left out, which
     * changes nothing as the sums are never negative) so that the plain numeric coordinates run as
     * one loop over contiguous arrays.
     */
    private void kernels(double[] point, int count, double[] out) {
        double[] r2 = new double[count];
        for (int i = 0; i < inverseScales.length; i++) {
            double pi = point[i];
            double s = inverseScales[i];
            double s2 = s * s;
            double[] column = columns[i];
            if (Double.isNaN(pi)) {
                for (int a = 0; a < count; a++) {
                    if (!Double.isNaN(column[a])) {
                        r2[a] += s2;
                    }
                }
            } else if (categorical[i]) {
                for (int a = 0; a < count; a++) {
                    if (pi != column[a]) {
                        r2[a] += s2;
                    }
                }
            } else if (columnHasNaN[i]) {
                for (int a = 0; a < count; a++) {
                    double qi = column[a];
                    if (Double.isNaN(qi)) {
                        r2[a] += s2;
                    } else {
                        double t = (pi - qi) * s;
                        r2[a] += t * t;
                    }
                }
            } else {
                for (int a = 0; a < count; a++) {
                    double t = (pi - column[a]) * s;
                    r2[a] += t * t;
                }
            }
        }
        for (int a = 0; a < count; a++) {
            double r = Math.sqrt(r2[a]);
            out[a] = signal * (1 + SQRT5 * r + 5 * r2[a] / 3) * Math.exp(-SQRT5 * r);
        }
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
