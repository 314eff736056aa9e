package io.tunelab.server.strategy;

import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * The Yeo–Johnson power transform of a set of values, its λ chosen by maximum likelihood (the
 * transformed values as close to normal as one λ makes them; commons-math's Brent search over
 * [{@value #LOWEST}, {@value #HIGHEST}]). Monotone increasing for every λ, so the order of the
 * values, and which one is best, is kept. A few values far above the rest (a function spanning
 * decades over the box) are pulled in, so they no longer decide a Gaussian process's fit.
 *
 * <p>λ is at most 1 (the identity): above 1 the transform would squeeze the lowest values
 * together, which for minimisation are the rare good ones the search must tell apart (Hartmann-6,
 * most of whose box is near 0 with a few deep wells, lost ×5.8 in median regret with λ up to 3,
 * still ×2.8 with λ at most 1, in the polish near the optimum; experiments/QUALITY.md).
 *
 * <p>The values are standardised first (mean 0, standard deviation 1), so λ does not depend on
 * the objective's offset or scale.
 */
final class PowerWarping {
    static final double LOWEST = -3;
    static final double HIGHEST = 1;

    private final double mean;
    private final double scale;
    private final double lambda;

    private PowerWarping(double mean, double scale, double lambda) {
        this.mean = mean;
        this.scale = scale;
        this.lambda = lambda;
    }

    /** The transform fitted to {@code values} (finite, at least one). */
    static PowerWarping fit(double[] values) {
        int n = values.length;
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / n);
        double scale = sd > 0 && Double.isFinite(sd) ? sd : 1;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (values[i] - mean) / scale;
        }
        if (n < 3 || sd == 0) {
            return new PowerWarping(mean, scale, 1);
        }
        var best = new BrentOptimizer(1e-8, 1e-10).optimize(new MaxEval(200), GoalType.MAXIMIZE,
                new SearchInterval(LOWEST, HIGHEST, 1), new UnivariateObjectiveFunction(l -> logLikelihood(z, l)));
        return new PowerWarping(mean, scale, best.getValue() > -Double.MAX_VALUE ? best.getPoint() : 1);
    }

    /** λ: 1 is the identity (up to the standardisation); below 1 compresses large values, above 1 small ones. */
    double lambda() {
        return lambda;
    }

    /** The transformed value. */
    double apply(double value) {
        return transform((value - mean) / scale, lambda);
    }

    /** Yeo–Johnson: a Box–Cox transform of y + 1 for y ≥ 0, mirrored with 2 − λ below 0. */
    static double transform(double y, double lambda) {
        if (y >= 0) {
            return Math.abs(lambda) < 1e-12 ? Math.log1p(y) : (Math.pow(y + 1, lambda) - 1) / lambda;
        }
        return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-y) : -(Math.pow(1 - y, 2 - lambda) - 1) / (2 - lambda);
    }

    /** The profile log-likelihood of λ: −n/2 · log of the transformed values' variance + (λ − 1) Σ sign(y) log(1 + |y|). */
    static double logLikelihood(double[] y, double lambda) {
        int n = y.length;
        double[] t = new double[n];
        double mean = 0;
        double jacobian = 0;
        for (int i = 0; i < n; i++) {
            t[i] = transform(y[i], lambda);
            mean += t[i];
            jacobian += Math.signum(y[i]) * Math.log1p(Math.abs(y[i]));
        }
        mean /= n;
        double var = 0;
        for (double v : t) {
            var += (v - mean) * (v - mean);
        }
        var /= n;
        if (!(var > 0) || !Double.isFinite(var)) {
            return -Double.MAX_VALUE;
        }
        return -0.5 * n * Math.log(var) + (lambda - 1) * jacobian;
    }
}
