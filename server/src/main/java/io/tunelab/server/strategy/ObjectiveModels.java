package io.tunelab.server.strategy;

import io.tunelab.server.analysis.Pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One {@link QuadraticSurrogate} per objective, with which a multi-objective strategy chooses
 * among configurations it has drawn before any is evaluated. Each candidate's losses are
 * predicted in the objectives' own units and compared with a reference set's (NSGA-II: its
 * survivors; TPE: every feasible complete trial): the candidate whose prediction the fewest
 * reference trials dominate, and of those the one farthest, each objective scaled by the
 * reference set's range, from every reference trial: the front's gaps and ends before its
 * crowded middle. Domination and range-scaled distances do not change with an objective's units
 * or offset, so neither does the choice.
 *
 * <p>Looked at and not kept: the largest predicted hypervolume gain over the reference front
 * first. It trusts the predicted values; it did better on DTLZ2 and worse on ZDT, DTLZ4 and
 * Fonseca–Fleming (experiments/QUALITY.md, "The objectives' models in their own units").
 *
 * <p>Immutable.
 */
final class ObjectiveModels {
    private final QuadraticSurrogate[] models;
    private final double[][] reference;
    private final double[] range;

    private ObjectiveModels(QuadraticSurrogate[] models, double[][] reference) {
        this.models = models;
        this.reference = reference;
        this.range = ranges(reference);
    }

    /**
     * The models fitted to {@code points} and their {@code losses}, judged against
     * {@code reference}; null when there are no points or no reference, or an objective has too
     * few points for even the diagonal quadratic.
     */
    static ObjectiveModels fit(List<double[]> points, List<double[]> losses, List<double[]> reference) {
        if (points.isEmpty() || reference.isEmpty()) {
            return null;
        }
        var models = new QuadraticSurrogate[losses.getFirst().length];
        for (int k = 0; k < models.length; k++) {
            double[] y = new double[points.size()];
            for (int j = 0; j < y.length; j++) {
                y[j] = losses.get(j)[k];
            }
            models[k] = QuadraticSurrogate.fit(points, y);
            if (models[k] == null) {
                return null;
            }
        }
        return new ObjectiveModels(models, reference.toArray(double[][]::new));
    }

    /**
     * The models fitted to the most recent of the complete trials {@code complete} (in trial-number
     * order, at most {@link QuadraticSurrogate#maxPoints}), each at the point {@code point} gives
     * it, judged against {@code reference}; null while any of those recent trials breaks the
     * experiment's constraints (the models know only the losses and would steer toward good
     * losses outside), or as {@link #fit(List, List, List)}.
     */
    static ObjectiveModels ofRecent(List<Observation> complete, Function<Observation, double[]> point, List<double[]> reference) {
        if (complete.isEmpty()) {
            return null;
        }
        int n = complete.getFirst().point().length;
        var recent = complete.subList(Math.max(0, complete.size() - QuadraticSurrogate.maxPoints(n)), complete.size());
        var points = new ArrayList<double[]>(recent.size());
        var losses = new ArrayList<double[]>(recent.size());
        for (var o : recent) {
            if (o.violation() > 0) {
                return null;
            }
            points.add(point.apply(o));
            losses.add(o.losses());
        }
        return fit(points, losses, reference);
    }

    /**
     * TPE's models ({@link #ofRecent}): an inactive param at the middle of its range, judged
     * against every feasible complete trial.
     */
    static ObjectiveModels ofTrials(List<Observation> observations) {
        var complete = new ArrayList<Observation>();
        var reference = new ArrayList<double[]>();
        for (var o : observations) {
            if (o.tier() == Observation.COMPLETE || o.tier() == Observation.CONSTRAINED) {
                complete.add(o);
            }
            if (o.tier() == Observation.COMPLETE) {
                reference.add(o.losses());
            }
        }
        return ofRecent(complete, o -> filled(o.point()), reference);
    }

    /** A unit point with every inactive coordinate (NaN) at 0.5. */
    static double[] filled(double[] point) {
        double[] out = point.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.isNaN(out[i]) ? 0.5 : out[i];
        }
        return out;
    }

    /**
     * The index of the best of {@code points} (see the class comment); the first of equals.
     *
     * @throws IllegalArgumentException for a point with an inactive coordinate (NaN), which no
     *                                  model can predict at: {@link #filled} gives the models' value
     */
    int best(List<double[]> points) {
        for (double[] p : points) {
            if (Arrays.stream(p).anyMatch(Double::isNaN)) {
                throw new IllegalArgumentException("a point with an inactive (NaN) coordinate: " + Arrays.toString(p));
            }
        }
        int best = 0;
        int bestDominated = Integer.MAX_VALUE;
        double bestDistance = -1;
        for (int c = 0; c < points.size(); c++) {
            double[] predicted = new double[models.length];
            for (int k = 0; k < models.length; k++) {
                predicted[k] = models[k].predictValue(points.get(c));
            }
            int dominated = 0;
            double distance = Double.POSITIVE_INFINITY;
            for (double[] f : reference) {
                if (Pareto.dominates(f, predicted)) {
                    dominated++;
                }
                double d = 0;
                for (int k = 0; k < f.length; k++) {
                    double z = (predicted[k] - f[k]) / range[k];
                    d += z * z;
                }
                distance = Math.min(distance, d);
            }
            if (dominated < bestDominated || dominated == bestDominated && distance > bestDistance) {
                best = c;
                bestDominated = dominated;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Each objective's range over the reference set (1 where it all agrees). */
    private static double[] ranges(double[][] reference) {
        double[] range = new double[reference[0].length];
        for (int k = 0; k < range.length; k++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] f : reference) {
                lo = Math.min(lo, f[k]);
                hi = Math.max(hi, f[k]);
            }
            range[k] = hi > lo ? hi - lo : 1;
        }
        return range;
    }
}
