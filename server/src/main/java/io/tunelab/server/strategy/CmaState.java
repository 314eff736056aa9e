package io.tunelab.server.strategy;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The state of a CMA-ES search distribution over the unit cube, with the parameters of Hansen's
 * 2016 tutorial including active covariance adaptation (negative weights for the worst half), as
 * the {@code cmaes} library under Optuna's sampler uses them:
 * mean, step size, covariance with its eigen basis, and the two evolution paths. An update
 * takes the points of one generation as they were actually evaluated, so points proposed from
 * an older state (asynchronous workers) are used too; their step is clipped as Hansen advises
 * for injected solutions. Mutable and confined to one thread; {@link #copy()} for caching.
 */
final class CmaState {
    final int n;
    final int lambda;
    private final int mu;
    private final double[] weights;
    private final double mueff;
    private final double cc;
    private final double cs;
    private final double c1;
    private final double cmu;
    private final double damps;
    private final double chiN;

    private double[] mean;
    private double sigma;
    private double[][] c;
    private double[][] b;
    private double[] d;
    private double[] pc;
    private double[] ps;
    private int generation;

    CmaState(int n, int lambda, double[] mean, double sigma) {
        this.n = n;
        this.lambda = lambda;
        this.mu = lambda / 2;
        double[] prime = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            prime[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
        }
        double posSum = 0;
        double posSq = 0;
        double negSum = 0;
        double negSq = 0;
        for (int i = 0; i < lambda; i++) {
            if (i < mu) {
                posSum += prime[i];
                posSq += prime[i] * prime[i];
            } else {
                negSum += prime[i];
                negSq += prime[i] * prime[i];
            }
        }
        this.mueff = posSum * posSum / posSq;
        double mueffMinus = negSq == 0 ? 0 : negSum * negSum / negSq;
        double alphaCov = 2;
        this.c1 = alphaCov / ((n + 1.3) * (n + 1.3) + mueff);
        this.cmu = Math.min(1 - c1 - 1e-8, alphaCov * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + alphaCov * mueff / 2));
        double minAlpha = Math.min(1 + c1 / cmu, Math.min(1 + 2 * mueffMinus / (mueff + 2), (1 - c1 - cmu) / (n * cmu)));
        double positive = 0;
        double negative = 0;
        for (double w : prime) {
            if (w >= 0) {
                positive += w;
            } else {
                negative -= w;
            }
        }
        this.weights = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            weights[i] = prime[i] >= 0 ? prime[i] / positive : minAlpha * prime[i] / negative;
        }
        this.cs = (mueff + 2) / (n + mueff + 5);
        this.damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
        this.cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        this.chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        this.mean = mean.clone();
        this.sigma = sigma;
        this.c = identity(n);
        this.b = identity(n);
        this.d = new double[n];
        Arrays.fill(d, 1.0);
        this.pc = new double[n];
        this.ps = new double[n];
    }

    /** The default population size for n dimensions: 4 + ⌊3 ln n⌋. */
    static int defaultLambda(int n) {
        return 4 + (int) Math.floor(3 * Math.log(Math.max(1, n)));
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    CmaState copy() {
        var s = new CmaState(n, lambda, mean, sigma);
        s.c = deepCopy(c);
        s.b = deepCopy(b);
        s.d = d.clone();
        s.pc = pc.clone();
        s.ps = ps.clone();
        s.generation = generation;
        return s;
    }

    private static double[][] deepCopy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    double sigma() {
        return sigma;
    }

    double[] mean() {
        return mean.clone();
    }

    /** Whether the distribution has collapsed (or blown up) so that a restart is due. */
    boolean degenerate() {
        double maxD = Arrays.stream(d).max().orElse(1);
        double minD = Arrays.stream(d).min().orElse(1);
        return sigma * maxD < 1e-10 || maxD / Math.max(minD, 1e-300) > 1e7 || sigma * maxD > 1e3 || !Double.isFinite(sigma);
    }

    /** A draw from N(mean, sigma² C) inside the unit cube (resampled, then clamped). */
    double[] sample(RandomGenerator rng) {
        double[] x = new double[n];
        for (int attempt = 0; attempt < 100; attempt++) {
            draw(rng, x);
            if (inside(x)) {
                return x;
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(1, Math.max(0, x[i]));
        }
        return x;
    }

    private void draw(RandomGenerator rng, double[] x) {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = d[i] * rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i][j] * z[j];
            }
            x[i] = mean[i] + sigma * s;
        }
    }

    private static boolean inside(double[] x) {
        for (double v : x) {
            if (v < 0 || v > 1) {
                return false;
            }
        }
        return true;
    }

    /** One generation's update from its λ points, sorted best first. */
    void update(List<double[]> sortedPoints) {
        double[][] y = new double[lambda][];
        double clip = Math.sqrt(n) + 2.0 * n / (n + 2);
        double[] mahalanobis = new double[lambda];
        for (int k = 0; k < lambda; k++) {
            double[] yk = new double[n];
            double[] xk = sortedPoints.get(k);
            for (int i = 0; i < n; i++) {
                yk[i] = (xk[i] - mean[i]) / sigma;
            }
            double norm = norm(invSqrtTimes(yk));
            // Points proposed from an older distribution (asynchronous workers) are "injected"
            // solutions for this one: their step is clipped as Hansen (2011) advises.
            if (norm > clip) {
                for (int i = 0; i < n; i++) {
                    yk[i] *= clip / norm;
                }
                norm = clip;
            }
            y[k] = yk;
            mahalanobis[k] = norm;
        }
        double[] yw = new double[n];
        for (int k = 0; k < mu; k++) {
            for (int i = 0; i < n; i++) {
                yw[i] += weights[k] * y[k][i];
            }
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * yw[i];
        }
        double[] cInvY = invSqrtTimes(yw);
        double a = Math.sqrt(cs * (2 - cs) * mueff);
        for (int i = 0; i < n; i++) {
            ps[i] = (1 - cs) * ps[i] + a * cInvY[i];
        }
        generation++;
        double psNorm = norm(ps);
        sigma *= Math.exp(Math.min(1.0, (cs / damps) * (psNorm / chiN - 1)));
        boolean hsig = psNorm / Math.sqrt(1 - Math.pow(1 - cs, 2.0 * generation)) < (1.4 + 2.0 / (n + 1)) * chiN;
        double ac = Math.sqrt(cc * (2 - cc) * mueff);
        for (int i = 0; i < n; i++) {
            pc[i] = (1 - cc) * pc[i] + (hsig ? ac * yw[i] : 0);
        }
        double[] wio = new double[lambda];
        double sumW = 0;
        for (int k = 0; k < lambda; k++) {
            wio[k] = weights[k] >= 0 ? weights[k] : weights[k] * n / (mahalanobis[k] * mahalanobis[k] + 1e-8);
            sumW += weights[k];
        }
        double deltaH = hsig ? 0 : cc * (2 - cc);
        double keep = 1 + c1 * deltaH - c1 - cmu * sumW;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++) {
                    rankMu += wio[k] * y[k][i] * y[k][j];
                }
                double v = keep * c[i][j] + c1 * pc[i] * pc[j] + cmu * rankMu;
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        decompose();
    }

    private void decompose() {
        var eig = new EigenDecomposition(new Array2DRowRealMatrix(c, false));
        double[] values = eig.getRealEigenvalues();
        for (int j = 0; j < n; j++) {
            d[j] = Math.sqrt(Math.max(values[j], 1e-20));
            var v = eig.getEigenvector(j);
            for (int i = 0; i < n; i++) {
                b[i][j] = v.getEntry(i);
            }
        }
    }

    /** C^(-1/2) · v = B D⁻¹ Bᵀ v. */
    private double[] invSqrtTimes(double[] v) {
        double[] t = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][j] * v[i];
            }
            t[j] = s / d[j];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i][j] * t[j];
            }
            out[i] = s;
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
