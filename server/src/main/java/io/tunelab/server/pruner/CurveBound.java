package io.tunelab.server.pruner;

import org.apache.commons.statistics.distribution.TDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The lowest loss a learning curve could plausibly reach by a later step: an optimistic
 * extrapolation of the curve's reports with the two standard parametric forms of learning-curve
 * extrapolation (Domhan et al. 2015), exponential decay {@code c + a·exp(−t/τ)} and power-law
 * decay {@code c + a·t^(−b)}.
 *
 * <p>For each shape (τ from 0.5 to 20 times the horizon, b from 0.05 to 4, 100 of each on a log
 * grid, and each family's best refined between its grid neighbours) the level c and the scale a
 * are the least-squares fit, so each fit is linear. The shapes
 * whose residual sum of squares an F test at 50% (one degree of freedom for the shape) does not
 * reject against the best shape's are the plausible ones, and the bound is the lowest of their
 * predictions at the horizon. A very slow shape extrapolates almost linearly, so a curve still
 * falling steeply gets a low bound, and a curve that has flattened gets a bound near its level.
 * (An F test at 95% kept so many shapes that on curves whose ranks cross most trials went on,
 * about 0.7 of the epochs of no pruning; see QUALITY.md, Pruning.)
 *
 * <p>Needs at least {@link #MIN_POINTS} reports (three parameters and two degrees of freedom for
 * the noise); fewer give NaN. Pure and thread-safe.
 */
final class CurveBound {
    static final int MIN_POINTS = 5;
    private static final int GRID = 100;
    /** The level of the F test that keeps a shape plausible. */
    private static final double LEVEL = 0.5;

    private CurveBound() {
    }

    /**
     * @param steps   the report steps, ascending, at least {@link #MIN_POINTS}
     * @param losses  the losses at those steps (smaller is better)
     * @param horizon the step to extrapolate to, at or past the last step
     * @return the optimistic bound of the loss at {@code horizon}, or NaN with too few points
     */
    static double lowest(double[] steps, double[] losses, double horizon) {
        int n = steps.length;
        if (n < MIN_POINTS) {
            return Double.NaN;
        }
        var fits = new ArrayList<Fit>();
        fits.addAll(family(steps, losses, horizon, Math.log(0.5), Math.log(20 * horizon), u -> t -> Math.exp(-t / Math.exp(u))));
        fits.addAll(family(steps, losses, horizon, Math.log(0.05), Math.log(4), u -> t -> Math.pow(t, -Math.exp(u))));
        double bestSse = Double.POSITIVE_INFINITY;
        for (Fit f : fits) {
            bestSse = Math.min(bestSse, f.sse);
        }
        if (!Double.isFinite(bestSse)) {
            return Double.NaN;
        }
        int df = n - 3;
        // F(1, df) quantile = the square of t(df)'s two-sided one
        double t = TDistribution.of(df).inverseSurvivalProbability((1 - LEVEL) / 2);
        double plausible = bestSse * (1 + t * t / df) + 1e-300;
        double lowest = Double.POSITIVE_INFINITY;
        for (Fit f : fits) {
            if (f.sse <= plausible) {
                lowest = Math.min(lowest, f.prediction);
            }
        }
        return lowest;
    }

    /**
     * The fits of one family over its shape parameter u (log τ or log b) from {@code low} to
     * {@code high}: a grid of {@link #GRID} shapes, and the best of them refined by golden-section
     * search between its neighbours, so a curve with little noise is fitted by its own shape
     * rather than by the nearest grid point's (which would make the bound pessimistic).
     */
    private static List<Fit> family(double[] steps, double[] losses, double horizon, double low, double high,
                                              DoubleFunction<DoubleUnaryOperator> shape) {
        var out = new ArrayList<Fit>();
        int best = -1;
        double bestSse = Double.POSITIVE_INFINITY;
        for (int i = 0; i < GRID; i++) {
            Fit f = fit(steps, losses, horizon, shape.apply(low + (high - low) * i / (GRID - 1)));
            if (f != null) {
                out.add(f);
                if (f.sse < bestSse) {
                    bestSse = f.sse;
                    best = i;
                }
            }
        }
        if (best < 0) {
            return out;
        }
        double a = low + (high - low) * Math.max(0, best - 1) / (GRID - 1);
        double b = low + (high - low) * Math.min(GRID - 1, best + 1) / (GRID - 1);
        double ratio = (Math.sqrt(5) - 1) / 2;
        for (int k = 0; k < 40; k++) {
            double c = b - ratio * (b - a);
            double d = a + ratio * (b - a);
            Fit fc = fit(steps, losses, horizon, shape.apply(c));
            Fit fd = fit(steps, losses, horizon, shape.apply(d));
            if (fc == null || fd == null) {
                break;
            }
            if (fc.sse < fd.sse) {
                b = d;
            } else {
                a = c;
            }
        }
        Fit refined = fit(steps, losses, horizon, shape.apply((a + b) / 2));
        if (refined != null) {
            out.add(refined);
        }
        return out;
    }

    /** A fitted shape: its residual sum of squares and its prediction at the horizon. */
    private record Fit(double sse, double prediction) {
    }

    /** The least-squares fit of {@code c + a·g(t)}, or null when g does not vary over the steps. */
    private static Fit fit(double[] steps, double[] losses, double horizon, DoubleUnaryOperator g) {
        int n = steps.length;
        double gMean = 0;
        double yMean = 0;
        double[] gs = new double[n];
        for (int i = 0; i < n; i++) {
            gs[i] = g.applyAsDouble(steps[i]);
            gMean += gs[i];
            yMean += losses[i];
        }
        gMean /= n;
        yMean /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (gs[i] - gMean) * (gs[i] - gMean);
            sxy += (gs[i] - gMean) * (losses[i] - yMean);
        }
        if (!(sxx > 1e-18 * Math.max(1, gMean * gMean))) {
            return null;
        }
        double a = sxy / sxx;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = losses[i] - yMean - a * (gs[i] - gMean);
            sse += r * r;
        }
        return new Fit(sse, yMean + a * (g.applyAsDouble(horizon) - gMean));
    }
}
