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
            // Beyond 8 sigmas from both bounds the mass inside is 1 to double precision; erf is
            // the costliest step of a 10,000-kernel mixture, so it is skipped there.
            boolean inside = mu[j] / sigma[j] > 8 && (1 - mu[j]) / sigma[j] > 8;
            double mass = inside ? 1.0 : phi((1 - mu[j]) / sigma[j]) - phi(-mu[j] / sigma[j]);
            offset[j] = Math.log(w[j] / total) - Math.log(sigma[j]) - LOG_SQRT_2PI - Math.log(Math.max(mass, 1e-300));
        }
    }

    private static double[] bandwidths(double[] mu) {
        int n = mu.length;
        // Primitive sort and a lower-bound search instead of an index sort: tied kernels share
        // the bandwidth of the first of them, and 10,000 kernels sort in well under a millisecond.
        double[] sorted = mu.clone();
        Arrays.sort(sorted);
        double[] gap = new double[n];
        for (int p = 0; p < n; p++) {
            double left = sorted[p] - (p == 0 ? 0 : sorted[p - 1]);
            double right = (p == n - 1 ? 1 : sorted[p + 1]) - sorted[p];
            gap[p] = Math.max(left, right);
        }
        // The outermost kernels ignore the distance to the bounds (Optuna's consider_endpoints=False).
        if (n >= 2) {
            gap[0] = sorted[1] - sorted[0];
            gap[n - 1] = sorted[n - 1] - sorted[n - 2];
        }
        double min = 1.0 / Math.min(100.0, n + 1.0);
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = Math.min(1.0, Math.max(min, gap[lowerBound(sorted, mu[j])]));
        }
        return out;
    }

    private static int lowerBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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

    /**
     * The log density at x: the largest kernel term first, then the sum of the terms within
     * e^40 of it (the others change nothing in double precision). With thousands of narrow
     * kernels only the few near x cost an exponential.
     */
    double logDensity(double x) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < mu.length; j++) {
            double z = (x - mu[j]) / sigma[j];
            max = Math.max(max, offset[j] - 0.5 * z * z);
        }
        double sum = 0;
        for (int j = 0; j < mu.length; j++) {
            double z = (x - mu[j]) / sigma[j];
            double t = offset[j] - 0.5 * z * z;
            if (t > max - 40) {
                sum += Math.exp(t - max);
            }
        }
        return max + Math.log(sum);
    }
}
