package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

import java.util.Arrays;
import java.util.List;

/**
 * A model of the loss over points of the unit cube, fitted by ridge-regularised least squares,
 * with which CMA-ES pre-selects its proposal (option {@code preselect}, after Hansen's lq-CMA-ES,
 * 2019). It has one of three forms ({@link Form}): the full quadratic, (n + 1)(n + 2)/2
 * coefficients; the diagonal quadratic (no cross terms), 2n + 1; and the additive quartic, a
 * polynomial of degree 4 in each coordinate apart (1, x<sub>i</sub>, …, x<sub>i</sub>⁴), 4n + 1. A
 * form needs at least {@value #ENOUGH}× as many points as it has coefficients; the full and the
 * additive forms are fitted up to {@value #FULL_UP_TO} dimensions (above, their fit would take
 * longer than a proposal may).
 *
 * <p>{@link #fit} gives the quadratic (option {@code preselect: quadratic}): the full one when there
 * are enough points for it, else the diagonal one, else no model. {@link #fitChosen} (option
 * {@code preselect: quadratic_or_additive}) fits every form with enough points and keeps the one with
 * the lowest leave-one-out error (PRESS: the sum of (e<sub>k</sub> / (1 − h<sub>kk</sub>))², with
 * e<sub>k</sub> the residual and h<sub>kk</sub> the leverage of point k, which for a linear fit is
 * exact without refitting), so a rotated or curved landscape keeps the full quadratic and a
 * separable one of higher order gets the additive quartic.
 * {@link #fitAdditiveEarly} (option {@code preselect: additive_early}) lets the additive quartic
 * compete only while the full quadratic lacks points, and is {@link #fit} from there on.
 * {@link #fitIfSeparable} (option {@code preselect: additive_if_separable}) is {@link #fit} unless the
 * additive quartic predicts the points it leaves out nearly exactly and far better than that quadratic.
 *
 * <p>The values are standardised first, so a constant loss gives a flat model (every prediction 0)
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
    /** The most dimensions a full or additive model is fitted in (231 and 81 coefficients). */
    static final int FULL_UP_TO = 20;
    /** How many points per coefficient of the largest model a caller needs to give at most. */
    static final int POINTS_PER_COEFFICIENT = 2;
    /**
     * {@link #fitIfSeparable}: the additive form's largest leave-one-out error, as a share of the
     * values' variance (the standardised values' sum of squares is the number of points). Chosen on
     * seeds 900–919 of the 10-D problems (experiments/QUALITY.md, "The additive form where the
     * trials show separability"): on 10-D Rosenbrock, whose quartic terms are separable and whose
     * cross terms are not, the error was never below 1.2 × 10⁻³ in 2,439 fits; on Styblinski–Tang,
     * the quartic's exact form, its median was 6 × 10⁻⁵. 10⁻⁴ is twelve times below the first.
     */
    static final double SEPARABLE_ERROR = 1e-4;
    /**
     * {@link #fitIfSeparable}: how many times lower the additive form's leave-one-out error must be
     * than the quadratic's, so that where the quadratic is exact too (an axis-aligned bowl, which
     * the additive form also contains) the quadratic is kept.
     */
    static final double SEPARABLE_MARGIN = 10;

    /** The terms of a model, besides the constant. */
    enum Form {
        /** x<sub>i</sub> and x<sub>i</sub>². */
        DIAGONAL,
        /** x<sub>i</sub>, x<sub>i</sub>², x<sub>i</sub>³ and x<sub>i</sub>⁴: separable, of degree 4. */
        ADDITIVE,
        /** x<sub>i</sub>, x<sub>i</sub>² and x<sub>i</sub>x<sub>j</sub> for i &lt; j. */
        FULL;

        /** Its coefficients in n dimensions. */
        int coefficients(int n) {
            return switch (this) {
                case DIAGONAL -> 2 * n + 1;
                case ADDITIVE -> 4 * n + 1;
                case FULL -> (n + 1) * (n + 2) / 2;
            };
        }

        /** The points it needs in n dimensions (none is enough above {@value #FULL_UP_TO} dimensions but for the diagonal form). */
        int needs(int n) {
            return this != DIAGONAL && n > FULL_UP_TO ? Integer.MAX_VALUE : (int) Math.ceil(ENOUGH * coefficients(n));
        }
    }

    private final int n;
    private final Form form;
    private final double[] centre;
    /** Additive form: each coordinate's root-mean-square distance from the centre; else null. */
    private final double[] spread;
    private final double[] beta;
    private final double press;
    /** The values' mean and standard deviation, which {@link #predictValue} undoes the standardisation with. */
    private final double mean;
    private final double sd;

    private QuadraticSurrogate(int n, Form form, double[] centre, double[] spread, double[] beta, double press, double mean,
                               double sd) {
        this.n = n;
        this.form = form;
        this.centre = centre;
        this.spread = spread;
        this.beta = beta;
        this.press = press;
        this.mean = mean;
        this.sd = sd;
    }

    /** Coefficients of the full quadratic in n dimensions. */
    static int fullCoefficients(int n) {
        return Form.FULL.coefficients(n);
    }

    /** Coefficients of the quadratic without cross terms. */
    static int diagonalCoefficients(int n) {
        return Form.DIAGONAL.coefficients(n);
    }

    /** Points the diagonal model in n dimensions needs. */
    static int diagonalNeeds(int n) {
        return Form.DIAGONAL.needs(n);
    }

    /** Points the full model in n dimensions needs (none is enough above {@value #FULL_UP_TO} dimensions). */
    static int fullNeeds(int n) {
        return Form.FULL.needs(n);
    }

    /**
     * The most points worth fitting the quadratic to in n dimensions: {@value #POINTS_PER_COEFFICIENT}
     * per coefficient of the largest quadratic there. More would slow the fit and spread the model
     * over regions the search has left.
     */
    static int maxPoints(int n) {
        return POINTS_PER_COEFFICIENT * (n <= FULL_UP_TO ? fullCoefficients(n) : diagonalCoefficients(n));
    }

    /** As {@link #maxPoints}, for {@link #fitChosen}: per coefficient of the largest form there. */
    static int maxPointsChosen(int n) {
        return n <= FULL_UP_TO
                ? POINTS_PER_COEFFICIENT * Math.max(fullCoefficients(n), Form.ADDITIVE.coefficients(n))
                : maxPoints(n);
    }

    /**
     * The quadratic model of {@code values} at {@code points} (each of the same length n ≥ 1,
     * finite): the full one with enough points for it, else the diagonal one; null when there are
     * too few points for even the diagonal one.
     *
     * @throws IllegalArgumentException if the points and values differ in number, the points in
     *                                  length, or a value or coordinate is not finite
     */
    static QuadraticSurrogate fit(List<double[]> points, double[] values) {
        int n = check(points, values);
        if (n == 0 || points.size() < diagonalNeeds(n)) {
            return null;
        }
        return fit(points, values, points.size() >= fullNeeds(n) ? Form.FULL : Form.DIAGONAL, false);
    }

    /**
     * Of the forms with enough points, the model with the lowest leave-one-out error (the simplest
     * form on a tie: diagonal, additive, full); null when there are too few points for even the
     * diagonal quadratic.
     *
     * @throws IllegalArgumentException as {@link #fit}
     */
    static QuadraticSurrogate fitChosen(List<double[]> points, double[] values) {
        int n = check(points, values);
        if (n == 0 || points.size() < diagonalNeeds(n)) {
            return null;
        }
        QuadraticSurrogate best = null;
        for (var form : Form.values()) {
            var model = fit(points, values, form);
            if (model != null && (best == null || model.press < best.press)) {
                best = model;
            }
        }
        return best;
    }

    /**
     * Option {@code preselect: additive_early}: while there are too few points for the full
     * quadratic, the diagonal quadratic or the additive quartic, whichever has the lower
     * leave-one-out error ({@link #fitChosen}; in 10-D the additive form from 50 points); from the
     * full quadratic's {@link #fullNeeds} on (80 in 10-D), the full quadratic, as {@link #fit} gives
     * it. Below 5 dimensions the additive form needs more points than the full one, so this is
     * {@link #fit}; null when there are too few points for even the diagonal quadratic.
     *
     * @throws IllegalArgumentException as {@link #fit}
     */
    static QuadraticSurrogate fitAdditiveEarly(List<double[]> points, double[] values) {
        int n = check(points, values);
        if (n == 0 || points.size() < diagonalNeeds(n)) {
            return null;
        }
        return points.size() >= fullNeeds(n) ? fit(points, values, Form.FULL, false) : fitChosen(points, values);
    }

    /**
     * Option {@code preselect: additive_if_separable}: the additive quartic only where the points
     * show the loss to be separable, else {@link #fit}'s quadratic to the bit. The test: the
     * additive form predicts the points it leaves out nearly exactly (its leave-one-out error at
     * most {@link #SEPARABLE_ERROR} of the values' variance, each point left out once) and at least
     * {@link #SEPARABLE_MARGIN} times better than that quadratic does. A landscape whose cross
     * terms carry more than that share of its variance (a curved valley, a rotated bowl) fails it,
     * as does a separable one the quartic does not describe (many cosine-shaped basins), and so
     * does an axis-aligned bowl, which the quadratic fits as well. Null when there are too few
     * points for even the diagonal quadratic.
     *
     * @throws IllegalArgumentException as {@link #fit}
     */
    static QuadraticSurrogate fitIfSeparable(List<double[]> points, double[] values) {
        var quadratic = fit(points, values);
        if (quadratic == null) {
            return null;
        }
        var additive = fit(points, values, Form.ADDITIVE);
        if (additive == null || !(additive.press <= SEPARABLE_ERROR * points.size())) {
            return quadratic;
        }
        double quadraticError = fit(points, values, quadratic.form).press;
        return additive.press * SEPARABLE_MARGIN < quadraticError ? additive : quadratic;
    }

    /**
     * The model of the given form with its leave-one-out error, or null when there are too few
     * points for that form.
     *
     * @throws IllegalArgumentException as {@link #fit}
     */
    static QuadraticSurrogate fit(List<double[]> points, double[] values, Form form) {
        int n = check(points, values);
        if (n == 0 || points.size() < form.needs(n)) {
            return null;
        }
        return fit(points, values, form, true);
    }

    /** The number of coordinates, after checking the inputs; 0 for no points. */
    private static int check(List<double[]> points, double[] values) {
        if (points.size() != values.length) {
            throw new IllegalArgumentException(points.size() + " points but " + values.length + " values; one value per point");
        }
        if (points.isEmpty()) {
            return 0;
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
        return n;
    }

    /** The model of the given form; with {@code withPress}, its leave-one-out error too (else 0). */
    private static QuadraticSurrogate fit(List<double[]> points, double[] values, Form form, boolean withPress) {
        int n = points.getFirst().length;
        int m = points.size();
        double[] centre = new double[n];
        for (double[] p : points) {
            for (int i = 0; i < n; i++) {
                centre[i] += p[i] / m;
            }
        }
        double[] spread = form == Form.ADDITIVE ? spread(points, centre) : null;
        double mean = Arrays.stream(values).sum() / m;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / m);
        int p = form.coefficients(n);
        if (!(sd > 0)) {
            return new QuadraticSurrogate(n, form, centre, spread, new double[p], 0, mean, 0);
        }
        double[][] normal = new double[p][p];
        double[] rhs = new double[p];
        double[] f = new double[p];
        for (int k = 0; k < m; k++) {
            features(points.get(k), centre, spread, form, f);
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
            var solver = new CholeskyDecomposition(new Array2DRowRealMatrix(normal, false), 1e-8, 0).getSolver();
            double[] beta = solver.solve(new ArrayRealVector(rhs, false)).toArray();
            double press = withPress ? press(points, values, mean, sd, centre, spread, form, beta, solver.getInverse().getData()) : 0;
            return new QuadraticSurrogate(n, form, centre, spread, beta, press, mean, sd);
        } catch (NonPositiveDefiniteMatrixException e) {
            // The ridge term makes the matrix positive definite; rounding alone could undo it.
            return new QuadraticSurrogate(n, form, centre, spread, new double[p], Double.POSITIVE_INFINITY, mean, 0);
        }
    }

    /**
     * The sum of the squared leave-one-out residuals on the standardised scale, e<sub>k</sub> / (1 −
     * h<sub>kk</sub>) with h<sub>kk</sub> = f<sub>k</sub>ᵀ (FᵀF + ridge)⁻¹ f<sub>k</sub>; a point the
     * fit passes through whatever its value (leverage 1 up to rounding) makes the error infinite.
     */
    private static double press(List<double[]> points, double[] values, double mean, double sd, double[] centre,
                                double[] spread, Form form, double[] beta, double[][] inverse) {
        int p = beta.length;
        double[] f = new double[p];
        double sum = 0;
        for (int k = 0; k < points.size(); k++) {
            features(points.get(k), centre, spread, form, f);
            double fit = 0;
            double h = 0;
            for (int a = 0; a < p; a++) {
                fit += beta[a] * f[a];
                double row = 0;
                for (int b = 0; b < p; b++) {
                    row += inverse[a][b] * f[b];
                }
                h += f[a] * row;
            }
            double rest = 1 - h;
            if (!(rest > 1e-9)) {
                return Double.POSITIVE_INFINITY;
            }
            double e = ((values[k] - mean) / sd - fit) / rest;
            sum += e * e;
        }
        return sum;
    }

    /**
     * Each coordinate's root-mean-square distance from the centre (1 where the points do not
     * spread): the additive form's terms are powers of the distance in these units, so that the
     * cubic and quartic terms are of the size of the others and the ridge term shrinks them no more
     * than those, however closely the points gather.
     */
    private static double[] spread(List<double[]> points, double[] centre) {
        int n = centre.length;
        double[] spread = new double[n];
        for (double[] p : points) {
            for (int i = 0; i < n; i++) {
                spread[i] += (p[i] - centre[i]) * (p[i] - centre[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            spread[i] = Math.sqrt(spread[i] / points.size());
            if (!(spread[i] > 1e-12)) {
                spread[i] = 1;
            }
        }
        return spread;
    }

    /**
     * The constant, the linear and the squared terms; then (full) the cross terms i &lt; j, or
     * (additive, every power in units of the coordinate's spread) the cubic and the quartic ones.
     */
    private static void features(double[] x, double[] centre, double[] spread, Form form, double[] f) {
        int n = x.length;
        f[0] = 1;
        if (form == Form.ADDITIVE) {
            for (int i = 0; i < n; i++) {
                double d = (x[i] - centre[i]) / spread[i];
                f[1 + i] = d;
                f[1 + n + i] = d * d;
                f[1 + 2 * n + i] = d * d * d;
                f[1 + 3 * n + i] = d * d * d * d;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            double d = x[i] - centre[i];
            f[1 + i] = d;
            f[1 + n + i] = d * d;
        }
        if (form == Form.FULL) {
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
        return form == Form.FULL;
    }

    /** The model's form. */
    Form form() {
        return form;
    }

    /** The model's leave-one-out error on the standardised scale (0 unless fitted by {@link #fitChosen}). */
    double press() {
        return press;
    }

    /**
     * The model's value at x on the scale of the values it was fitted to, for comparing with
     * them (as the losses of other trials are, in {@link ObjectiveModels}).
     */
    double predictValue(double[] x) {
        return mean + sd * predict(x);
    }

    /** The model's value at x, on the standardised scale (smaller is better, as the losses): for ranking points. */
    double predict(double[] x) {
        if (x.length != n) {
            throw new IllegalArgumentException("a point of " + x.length + " coordinates for a model of " + n);
        }
        double[] f = new double[beta.length];
        features(x, centre, spread, form, f);
        double s = 0;
        for (int a = 0; a < beta.length; a++) {
            s += beta[a] * f[a];
        }
        return s;
    }
}
