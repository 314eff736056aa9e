package io.tunelab.worker.data;

import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.stat.descriptive.moment.Skewness;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

/**
 * The power transforms that make a skewed input more symmetric: {@code log} maps x to
 * {@code log(1 + x − min)} with the training minimum (values below it map to 0), and
 * Yeo-Johnson with its λ fitted by maximum likelihood on the training values, as
 * scikit-learn's PowerTransformer and scipy's yeojohnson do (λ searched within
 * [{@value #LAMBDA_LOW}, {@value #LAMBDA_HIGH}], which keeps transformed values finite).
 */
final class SkewTransform {
    static final double LAMBDA_LOW = -3;
    static final double LAMBDA_HIGH = 3;

    private SkewTransform() {
    }

    /** The bias-corrected sample skewness, 0 for fewer than three values or a constant input. */
    static double skewness(double[] values) {
        if (values.length < 3) {
            return 0;
        }
        double s = new Skewness().evaluate(values);
        return Double.isFinite(s) ? s : 0;
    }

    static double log(double x, double min) {
        return Math.log1p(Math.max(0, x - min));
    }

    static double yeoJohnson(double x, double lambda) {
        if (x >= 0) {
            return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
        }
        return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-x) : -(Math.pow(1 - x, 2 - lambda) - 1) / (2 - lambda);
    }

    /** The λ that maximises the Yeo-Johnson log-likelihood of the values under a normal model. */
    static double fitLambda(double[] values) {
        double logTerm = 0;
        for (double v : values) {
            logTerm += Math.signum(v) * Math.log1p(Math.abs(v));
        }
        double jacobian = logTerm;
        int n = values.length;
        UnivariateObjectiveFunction likelihood = new UnivariateObjectiveFunction(lambda -> {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = yeoJohnson(values[i], lambda);
            }
            double variance = new Variance(false).evaluate(t);
            if (!(variance > 0) || !Double.isFinite(variance)) {
                return Double.NEGATIVE_INFINITY;
            }
            return -n / 2.0 * Math.log(variance) + (lambda - 1) * jacobian;
        });
        var best = new BrentOptimizer(1e-8, 1e-10).optimize(new MaxEval(500), likelihood, GoalType.MAXIMIZE,
                new SearchInterval(LAMBDA_LOW, LAMBDA_HIGH, 1));
        return best.getPoint();
    }
}
