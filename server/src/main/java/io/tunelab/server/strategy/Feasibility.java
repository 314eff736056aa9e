package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import org.apache.commons.math3.special.Erf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The probability that a point keeps every constraint, for {@link GpSearch}: one Gaussian
 * process per constraint over the finished trials that reported its metric, modelling the
 * metric's margin (how far it lies outside its bound, negative inside), and the product of the
 * probabilities that each margin is at most 0 (Gardner et al., 2014, "Bayesian optimization with
 * inequality constraints"). A constraint no trial reported yet says nothing (probability 1).
 */
final class Feasibility {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final List<GaussianProcess> models;
    /** Per model, the standardised margin at the bound (0 before standardising). */
    private final double[] thresholds;
    private final double[] out = new double[2];

    private Feasibility(List<GaussianProcess> models, double[] thresholds) {
        this.models = models;
        this.thresholds = thresholds;
    }

    /** How the hyperparameters of a model are found: from the points, values and key of a fit. */
    interface Fitter {
        double[] hyper(double[][] x, double[] y, GpSearch.FitKey key);
    }

    /**
     * The models of {@code constraints} over {@code modelled}, with hyperparameters fitted by
     * {@code fitter} on {@code fitted} (earlier trials: fits are reused between checkpoints, as
     * the objective's are).
     */
    static Feasibility of(List<Observation> modelled, List<Observation> fitted, List<Constraint> constraints, boolean[] categorical,
                          Fitter fitter) {
        var models = new ArrayList<GaussianProcess>();
        var thresholds = new ArrayList<Double>();
        for (int k = 0; k < constraints.size(); k++) {
            Constraint c = constraints.get(k);
            Margins all = Margins.of(modelled, c);
            Margins fit = Margins.of(fitted, c);
            if (all.x().length < 2 || fit.x().length < 2) {
                continue;
            }
            double[] hyper = fitter.hyper(fit.x(), fit.standardised(), fit.key(k));
            GaussianProcess model = GpSearch.conditioned(all.x(), all.standardised(), categorical, hyper);
            if (model != null) {
                models.add(model);
                thresholds.add(all.threshold());
            }
        }
        return new Feasibility(models, thresholds.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** log P(every constraint holds at {@code point}). */
    double logProbability(double[] point) {
        double sum = 0;
        for (int k = 0; k < models.size(); k++) {
            models.get(k).predict(point, out);
            sum += logCdf((thresholds[k] - out[0]) / out[1]);
        }
        return sum;
    }

    /** How far {@code value} lies outside the constraint's bounds, or inside them (negative). */
    static double margin(Constraint c, double value) {
        double m = Double.NEGATIVE_INFINITY;
        if (c.min() != null) {
            m = Math.max(m, c.min() - value);
        }
        if (c.max() != null) {
            m = Math.max(m, value - c.max());
        }
        return m;
    }

    /** log Φ(z), stable far into the lower tail. */
    static double logCdf(double z) {
        if (z > -20) {
            return Math.log(0.5 * Erf.erfc(-z / Math.sqrt(2)));
        }
        // Φ(z) = φ(z)/(−z)·(1 − 1/z² + 3/z⁴ − 15/z⁶ …) for very negative z.
        double z2 = z * z;
        return -0.5 * z2 - LOG_SQRT_2PI - Math.log(-z) + Math.log1p(-1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
    }

    /** The finished trials with a finite value of one constraint's metric: points and standardised margins. */
    private record Margins(double[][] x, double[] raw, double mean, double scale, List<Observation> observations) {
        static Margins of(List<Observation> observations, Constraint c) {
            var xs = new ArrayList<double[]>();
            var ms = new ArrayList<Double>();
            var used = new ArrayList<Observation>();
            for (var o : observations) {
                if (o.tier() == Observation.PRUNED || o.tier() == Observation.INFEASIBLE) {
                    continue; // no final values, or none to trust
                }
                Double v = o.trial().values() == null ? null : o.trial().values().get(c.metric());
                double m = v == null ? Double.NaN : margin(c, v);
                if (Double.isFinite(m)) {
                    xs.add(o.point());
                    ms.add(m);
                    used.add(o);
                }
            }
            double[] raw = ms.stream().mapToDouble(Double::doubleValue).toArray();
            double mean = Arrays.stream(raw).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(raw).map(v -> (v - mean) * (v - mean)).average().orElse(0));
            return new Margins(xs.toArray(double[][]::new), raw, mean, sd > 0 && Double.isFinite(sd) ? sd : 1, used);
        }

        double[] standardised() {
            return Arrays.stream(raw).map(v -> (v - mean) / scale).toArray();
        }

        double threshold() {
            return -mean / scale;
        }

        /** Names exactly these trials and margins, and constraint {@code k}, apart from the objective's fits. */
        GpSearch.FitKey key(int k) {
            double[] key = new double[2 * raw.length + 3];
            key[0] = Double.NaN;
            key[1] = k;
            key[2] = x.length == 0 ? 0 : x[0].length;
            for (int j = 0; j < raw.length; j++) {
                key[3 + 2 * j] = observations.get(j).trial().number();
                key[4 + 2 * j] = raw[j];
            }
            return new GpSearch.FitKey(key);
        }
    }
}
