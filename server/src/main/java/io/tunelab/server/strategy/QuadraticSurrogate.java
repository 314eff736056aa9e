package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

import java.util.Arrays;
import java.util.List;

/**
 * A quadratic model of the loss over points of the unit cube, fitted by ridge-regularised least
 * squares, with which CMA-ES pre-selects its proposal (option {@code preselect: quadratic}, after
 * Hansen's lq-CMA-ES, 2019). With at least {@value #ENOUGH}× as many points as a full quadratic
 * has coefficients, (n + 1)(n + 2)/2, it is the full quadratic (up to {@value #FULL_UP_TO}
 * dimensions: above, its fit would take longer than a proposal may); with fewer but at least
 * {@value #ENOUGH}× 2n + 1, the diagonal one (no cross terms); with fewer still there is no model.
 * The values are standardised first, so a constant loss gives a flat model (every prediction 0)
 * and the ridge term, {@value #RIDGE} of the mean diagonal of the normal equations, means the same
 * whatever the loss's scale and the number of points; it also keeps duplicate points and points on
 * a line solvable.
 *
 * <p>Immutable; a fit depends only on its points and values, in their order.
 */
final class QuadraticSurrogate {
    /** How many points per coefficient a model needs. */
    static final double ENOUGH = 1.2;
    /** The ridge penalty relative to the mean diagonal of the normal equations. */
    static final double RIDGE = 1e-6;
    /** The most dimensions a full model is fitted in (231 coefficients). */
    static final int FULL_UP_TO = 20;
    /** How many points per coefficient of the largest model a caller needs to give at most. */
    static final int POINTS_PER_COEFFICIENT = 2;

    private final int n;
    private final boolean full;
    private final double[] centre;
    private final double[] beta;

    private QuadraticSurrogate(int n, boolean full, double[] centre, double[] beta) {
        this.n = n;
        this.full = full;
        this.centre = centre;
        this.beta = beta;
    }

    /** Coefficients of the full quadratic in n dimensions. */
    static int fullCoefficients(int n) {
        return (n + 1) * (n + 2) / 2;
    }

    /** Coefficients of the quadratic without cross terms. */
    static int diagonalCoefficients(int n) {
        return 2 * n + 1;
    }

    /** Points the diagonal model in n dimensions needs. */
    static int diagonalNeeds(int n) {
        return (int) Math.ceil(ENOUGH * diagonalCoefficients(n));
    }

    /** Points the full model in n dimensions needs (none is enough above {@value #FULL_UP_TO} dimensions). */
    static int fullNeeds(int n) {
        return n <= FULL_UP_TO ? (int) Math.ceil(ENOUGH * fullCoefficients(n)) : Integer.MAX_VALUE;
    }

    /**
     * The most points worth fitting in n dimensions: {@value #POINTS_PER_COEFFICIENT} per
     * coefficient of the largest model there. More would slow the fit and spread the model over
     * regions the search has left.
     */
    static int maxPoints(int n) {
        return POINTS_PER_COEFFICIENT * (n <= FULL_UP_TO ? fullCoefficients(n) : diagonalCoefficients(n));
    }

    /**
     * The model of {@code values} at {@code points} (each of the same length n ≥ 1, finite), or
     * null when there are too few points for even the diagonal quadratic.
     *
     * @throws IllegalArgumentException if the points and values differ in number, the points in
     *                                  length, or a value or coordinate is not finite
     */
    static QuadraticSurrogate fit(List<double[]> points, double[] values) {
        if (points.size() != values.length) {
            throw new IllegalArgumentException(points.size() + " points but " + values.length + " values; one value per point");
        }
        if (points.isEmpty()) {
            return null;
        }
        int n = points.getFirst().length;
        for (int k = 0; k < points.size(); k++) {
            double[] p = points.get(k);
            if (p.length != n) {
                throw new IllegalArgumentException("point " + k + " has " + p.length + " coordinates, point 0 has " + n);
            }
            for (double v : p) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("point " + k + " has a coordinate " + v + "; coordinates must be finite");
                }
            }
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException("value " + k + " is " + values[k] + "; values must be finite");
            }
        }
        if (n == 0 || points.size() < diagonalNeeds(n)) {
            return null;
        }
        boolean full = points.size() >= fullNeeds(n);
        int m = points.size();
        double[] centre = new double[n];
        for (double[] p : points) {
            for (int i = 0; i < n; i++) {
                centre[i] += p[i] / m;
            }
        }
        double mean = Arrays.stream(values).sum() / m;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / m);
        int p = full ? fullCoefficients(n) : diagonalCoefficients(n);
        if (!(sd > 0)) {
            return new QuadraticSurrogate(n, full, centre, new double[p]);
        }
        double[][] normal = new double[p][p];
        double[] rhs = new double[p];
        double[] f = new double[p];
        for (int k = 0; k < m; k++) {
            features(points.get(k), centre, full, f);
            double y = (values[k] - mean) / sd;
            for (int a = 0; a < p; a++) {
                rhs[a] += f[a] * y;
                for (int b = 0; b <= a; b++) {
                    normal[a][b] += f[a] * f[b];
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < p; a++) {
            trace += normal[a][a];
            for (int b = 0; b < a; b++) {
                normal[b][a] = normal[a][b];
            }
        }
        double ridge = RIDGE * trace / p + 1e-12;
        for (int a = 0; a < p; a++) {
            normal[a][a] += ridge;
        }
        try {
            var solved = new CholeskyDecomposition(new Array2DRowRealMatrix(normal, false), 1e-8, 0)
                    .getSolver().solve(new ArrayRealVector(rhs, false));
            return new QuadraticSurrogate(n, full, centre, solved.toArray());
        } catch (NonPositiveDefiniteMatrixException e) {
            // The ridge term makes the matrix positive definite; rounding alone could undo it.
            return new QuadraticSurrogate(n, full, centre, new double[p]);
        }
    }

    /** The constant, the linear and the squared terms, then (full) the cross terms i < j. */
    private static void features(double[] x, double[] centre, boolean full, double[] f) {
        int n = x.length;
        f[0] = 1;
        for (int i = 0; i < n; i++) {
            double d = x[i] - centre[i];
            f[1 + i] = d;
            f[1 + n + i] = d * d;
        }
        if (full) {
            int a = 1 + 2 * n;
            for (int i = 0; i < n; i++) {
                double di = x[i] - centre[i];
                for (int j = i + 1; j < n; j++) {
                    f[a++] = di * (x[j] - centre[j]);
                }
            }
        }
    }

    /** Whether the model has the cross terms. */
    boolean full() {
        return full;
    }

    /** The model's value at x, on the standardised scale (smaller is better, as the losses). */
    double predict(double[] x) {
        if (x.length != n) {
            throw new IllegalArgumentException("a point of " + x.length + " coordinates for a model of " + n);
        }
        double[] f = new double[beta.length];
        features(x, centre, full, f);
        double s = 0;
        for (int a = 0; a < beta.length; a++) {
            s += beta[a] * f[a];
        }
        return s;
    }
}
