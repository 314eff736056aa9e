package io.tunelab.server.strategy;

import org.apache.commons.math3.special.Erf;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A mixture of Gaussians truncated to [0,1], one per observation plus a wide prior at the
 * centre, with Optuna's bandwidth rule: each kernel is as wide as the larger gap to its
 * sorted neighbours, clipped to [1 / min(100, n + 1), 1]. Immutable.
 */
final class ParzenEstimator {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double[] mu;
    private final double[] sigma;
    private final double[] cumulative;
    /** log(weight) − log(sigma) − log√(2π) − log(mass inside [0,1]), per kernel. */
    private final double[] offset;

    /**
     * @param xs          observed coordinates in [0,1]
     * @param weights     one weight per observation
     * @param priorWeight the weight of the prior kernel (mean 0.5, width 1)
     */
    ParzenEstimator(double[] xs, double[] weights, double priorWeight) {
        int n = xs.length + 1;
        mu = Arrays.copyOf(xs, n);
        mu[n - 1] = 0.5;
        double[] w = Arrays.copyOf(weights, n);
        w[n - 1] = priorWeight;
        sigma = bandwidths(mu);
        sigma[n - 1] = 1.0;
        double total = Arrays.stream(w).sum();
        cumulative = new double[n];
        offset = new double[n];
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc += w[j] / total;
            cumulative[j] = acc;
            double mass = phi((1 - mu[j]) / sigma[j]) - phi(-mu[j] / sigma[j]);
            offset[j] = Math.log(w[j] / total) - Math.log(sigma[j]) - LOG_SQRT_2PI - Math.log(Math.max(mass, 1e-300));
        }
    }

    private static double[] bandwidths(double[] mu) {
        int n = mu.length;
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(mu[a], mu[b]));
        double[] withEnds = new double[n + 2];
        withEnds[0] = 0;
        withEnds[n + 1] = 1;
        for (int j = 0; j < n; j++) {
            withEnds[j + 1] = mu[order[j]];
        }
        double[] sorted = new double[n];
        for (int j = 0; j < n; j++) {
            sorted[j] = Math.max(withEnds[j + 1] - withEnds[j], withEnds[j + 2] - withEnds[j + 1]);
        }
        // The outermost kernels ignore the distance to the bounds (Optuna's consider_endpoints=False).
        if (n + 2 >= 4) {
            sorted[0] = withEnds[2] - withEnds[1];
            sorted[n - 1] = withEnds[n] - withEnds[n - 1];
        }
        double min = 1.0 / Math.min(100.0, n + 1.0);
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[order[j]] = Math.min(1.0, Math.max(min, sorted[j]));
        }
        return out;
    }

    private static double phi(double z) {
        return 0.5 * (1 + Erf.erf(z / Math.sqrt(2)));
    }

    /** A draw from the mixture, inside [0,1]. */
    double sample(RandomGenerator rng) {
        double r = rng.nextDouble();
        int j = Arrays.binarySearch(cumulative, r);
        j = Math.min(mu.length - 1, j >= 0 ? j : -j - 1);
        for (int attempt = 0; attempt < 100; attempt++) {
            double x = mu[j] + sigma[j] * rng.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return Math.min(1, Math.max(0, mu[j]));
    }

    /** The log density at x. */
    double logDensity(double x) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[mu.length];
        for (int j = 0; j < mu.length; j++) {
            double z = (x - mu[j]) / sigma[j];
            terms[j] = offset[j] - 0.5 * z * z;
            max = Math.max(max, terms[j]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum);
    }
}
