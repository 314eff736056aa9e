package io.tunelab.server.strategy;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.special.Erf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The logarithm of expected improvement (for minimisation) under a {@link GaussianProcess},
 * and its maximisation: many uniform candidates and perturbations of the best points, the
 * best few then refined by commons-math's Nelder–Mead simplex over the numeric always-active
 * coordinates (clamped into the cube). BOBYQA refined as well but cost ten times as much per
 * proposal in its own bookkeeping, for a local search of a few dozen steps.
 *
 * <p>Log EI rather than EI: far from the data EI underflows to 0 in double precision and every
 * candidate ties; its logarithm keeps ranking them (Ament et al., 2023, "Unexpected improvements
 * to expected improvement").
 */
final class ExpectedImprovement {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    /** Uniform candidates per proposal. */
    static final int UNIFORM = 256;
    /** Perturbations of each of the best points, and how many best points. */
    static final int PERTURBATIONS = 32;
    static final int BEST = 5;
    /** Candidates refined by the simplex, and its evaluations for each. */
    static final int REFINED = 2;
    static final int REFINE_EVALUATIONS = 80;

    private final GaussianProcess gp;
    private final double best;
    /** Maps a point onto one the space can hold (ints rounded, inactive params NaN), or identity. */
    private final UnaryOperator<double[]> snap;
    /** The probability that a point keeps the constraints, or null without constraints. */
    private final Feasibility feasibility;
    private final double[] out = new double[2];

    /**
     * @param best the lowest standardised value observed (what a proposal should improve on)
     * @param snap the point a candidate stands for, as it will be evaluated
     */
    ExpectedImprovement(GaussianProcess gp, double best, UnaryOperator<double[]> snap) {
        this(gp, best, snap, null);
    }

    /**
     * With constraints: log EI over the best feasible value plus the log probability that the
     * point keeps them; while no trial is feasible ({@code best} +∞), that log probability alone.
     */
    ExpectedImprovement(GaussianProcess gp, double best, UnaryOperator<double[]> snap, Feasibility feasibility) {
        this.gp = gp;
        this.best = best;
        this.snap = snap;
        this.feasibility = feasibility;
    }

    /** log EI at a point of the unit cube (snapped first), with the log probability of feasibility when constrained. */
    double at(double[] point) {
        double[] p = snap.apply(point);
        double value = feasibility == null ? 0 : feasibility.logProbability(p);
        if (Double.isFinite(best)) {
            gp.predict(p, out);
            value += logEi((best - out[0]) / out[1]) + Math.log(out[1]);
        }
        return value;
    }

    /** log(φ(z) + z·Φ(z)), stable for very negative z. */
    static double logEi(double z) {
        // Above −20 the closed form loses at most three digits to cancellation; below, φ underflows soon.
        if (z > -20) {
            double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
            double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
            return Math.log(pdf + z * cdf);
        }
        // φ(z)·(1 − 3/z² + 15/z⁴ − 105/z⁶)/z², the asymptotic series of the Mills ratio
        // (relative error below 10⁻⁷ from z = −20 down).
        double z2 = z * z;
        return -0.5 * z2 - LOG_SQRT_2PI - Math.log(z2) + Math.log1p(-3 / z2 + 15 / (z2 * z2) - 105 / (z2 * z2 * z2));
    }

    /**
     * The candidates, best first: uniform points, perturbations of {@code incumbents} (best
     * first), and the {@value #REFINED} best of those refined over {@code numeric} coordinates.
     */
    List<double[]> maximise(int dimension, List<double[]> incumbents, int[] numeric, RandomGenerator rng) {
        var scored = new ArrayList<Scored>();
        for (int c = 0; c < UNIFORM; c++) {
            double[] u = UnitSpace.uniform(dimension, rng);
            scored.add(new Scored(u, at(u)));
        }
        for (int b = 0; b < Math.min(BEST, incumbents.size()); b++) {
            double[] centre = incumbents.get(b);
            for (int c = 0; c < PERTURBATIONS; c++) {
                double sigma = c % 2 == 0 ? 0.02 : 0.1;
                double share = Math.max(1.0 / dimension, rng.nextDouble());
                double[] u = centre.clone();
                for (int i = 0; i < dimension; i++) {
                    if (Double.isNaN(u[i]) || rng.nextDouble() < share) {
                        u[i] = Double.isNaN(u[i]) ? rng.nextDouble() : clamp(u[i] + sigma * rng.nextGaussian());
                    }
                }
                scored.add(new Scored(u, at(u)));
            }
        }
        scored.sort(Comparator.comparingDouble(Scored::value).reversed());
        var refined = new ArrayList<Scored>();
        for (int r = 0; r < Math.min(REFINED, scored.size()); r++) {
            refined.add(refine(scored.get(r), numeric));
        }
        var all = new ArrayList<>(refined);
        all.addAll(scored);
        all.sort(Comparator.comparingDouble(Scored::value).reversed());
        return all.stream().map(Scored::point).toList();
    }

    /** A candidate moved uphill over the numeric coordinates. */
    private Scored refine(Scored start, int[] numeric) {
        if (numeric.length == 0) {
            return start;
        }
        double[] point = start.point().clone();
        double[] x0 = new double[numeric.length];
        for (int k = 0; k < numeric.length; k++) {
            x0[k] = Math.min(1 - 1e-9, Math.max(1e-9, point[numeric[k]]));
        }
        double[] steps = new double[numeric.length];
        Arrays.fill(steps, 0.02);
        var best = new Scored[]{start};
        var objective = new ObjectiveFunction(v -> {
            double[] p = point.clone();
            for (int k = 0; k < numeric.length; k++) {
                p[numeric[k]] = clamp(v[k]);
            }
            double value = at(p);
            if (value > best[0].value()) {
                best[0] = new Scored(p, value);
            }
            return Double.isFinite(value) ? value : -1e300;
        });
        try {
            new SimplexOptimizer(1e-6, 1e-9).optimize(new MaxEval(REFINE_EVALUATIONS), objective,
                    GoalType.MAXIMIZE, new InitialGuess(x0), new NelderMeadSimplex(steps));
        } catch (MathIllegalStateException e) {
            // Out of evaluations: the best point seen is the answer.
        }
        return best[0];
    }

    private static double clamp(double u) {
        return Math.min(Math.nextDown(1.0), Math.max(0, u));
    }

    private record Scored(double[] point, double value) {
    }
}
