package io.tunelab.server.strategy;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

import java.util.Arrays;

/**
 * The hyperparameters of a {@link GaussianProcess} by maximum a posteriori: the log marginal
 * likelihood plus log priors, maximised over log-space parameters within bounds by
 * commons-math's BOBYQA (derivative-free), from a fixed start, so the same points always give
 * the same fit.
 *
 * <p>Priors (inputs in the unit cube, values standardised): each log length scale normal with
 * mean √2 + ½ ln d and standard deviation √3 (the dimension-scaled prior of Hvarfner, Hellsten
 * and Nardi, 2024: in more dimensions a point's neighbours are further away, so the prior
 * expects longer scales); the log signal variance normal(0, 1); the log noise variance
 * normal(ln 10⁻⁴, 2), so a deterministic objective is read as nearly noiseless unless the data
 * say otherwise. Bounds: length scales 0.005–200, signal variance 0.01–100, noise variance
 * 10⁻⁸–1.
 */
final class GaussianProcessFit {
    private static final double LOW_SCALE = Math.log(0.005);
    private static final double HIGH_SCALE = Math.log(200);
    private static final double NOISE_MEAN = Math.log(1e-4);
    /** What a kernel matrix that does not factorise scores: worse than any fit that does. */
    private static final double FAILED = -1e300;

    private GaussianProcessFit() {
    }

    /** The prior mean of each log length scale in d dimensions. */
    static double scalePriorMean(int d) {
        return Math.sqrt(2) + 0.5 * Math.log(d);
    }

    /** The starting point of the fit: every parameter at its prior mean. */
    static double[] start(int d) {
        double[] h = new double[d + 2];
        Arrays.fill(h, 0, d, Math.min(HIGH_SCALE, scalePriorMean(d)));
        h[d] = 0;
        h[d + 1] = NOISE_MEAN;
        return h;
    }

    /** The log prior density of hyperparameters, up to a constant. */
    static double logPrior(double[] h) {
        int d = h.length - 2;
        double mu = scalePriorMean(d);
        double p = 0;
        for (int i = 0; i < d; i++) {
            p -= (h[i] - mu) * (h[i] - mu) / (2 * 3.0);
        }
        p -= h[d] * h[d] / 2;
        p -= (h[d + 1] - NOISE_MEAN) * (h[d + 1] - NOISE_MEAN) / (2 * 4.0);
        return p;
    }

    /** The log posterior of hyperparameters given the points, or a very low value when the kernel matrix is singular. */
    static double logPosterior(double[][] x, double[] y, boolean[] categorical, double[] h) {
        try {
            return new GaussianProcess(x, y, categorical, h).logMarginalLikelihood() + logPrior(h);
        } catch (NonPositiveDefiniteMatrixException e) {
            return FAILED;
        }
    }

    /**
     * The maximum a posteriori hyperparameters for the points, at most {@code evaluations}
     * evaluations of the likelihood; the best point seen if BOBYQA stops early.
     */
    static double[] fit(double[][] x, double[] y, boolean[] categorical, int evaluations) {
        int d = categorical.length;
        double[] start = start(d);
        double[] low = new double[d + 2];
        double[] high = new double[d + 2];
        Arrays.fill(low, 0, d, LOW_SCALE);
        Arrays.fill(high, 0, d, HIGH_SCALE);
        low[d] = Math.log(0.01);
        high[d] = Math.log(100);
        low[d + 1] = Math.log(1e-8);
        high[d + 1] = 0;
        var best = new double[][]{start.clone()};
        var bestValue = new double[]{logPosterior(x, y, categorical, start)};
        ObjectiveFunction objective = new ObjectiveFunction(h -> {
            double v = logPosterior(x, y, categorical, h);
            if (v > bestValue[0]) {
                bestValue[0] = v;
                best[0] = h.clone();
            }
            return v;
        });
        try {
            new BOBYQAOptimizer(2 * (d + 2) + 1, 0.5, 1e-3).optimize(new MaxEval(evaluations), objective,
                    GoalType.MAXIMIZE, new InitialGuess(start), new SimpleBounds(low, high));
        } catch (MathIllegalStateException e) {
            // Out of evaluations (or stalled): the best point seen is the answer.
        }
        return best[0];
    }
}
