package io.tunelab.server.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The hypervolume of a set of loss vectors (every objective minimized) against a reference
 * point: the volume of the region they dominate and the reference bounds. Exact for any number
 * of objectives: a sweep for two, and for more, slices along the last objective, each slice the
 * hypervolume of one objective fewer (the sets multi-objective TPE measures hold a few dozen
 * points). A vector not strictly below the reference in every objective adds nothing.
 */
final class Hypervolume {
    private Hypervolume() {
    }

    static double of(List<double[]> points, double[] reference) {
        var inside = new ArrayList<double[]>();
        for (double[] p : points) {
            if (p.length != reference.length) {
                throw new IllegalArgumentException("a loss vector has " + p.length + " objectives, the reference point "
                        + reference.length);
            }
            if (strictlyBelow(p, reference)) {
                inside.add(p);
            }
        }
        return volume(inside, reference, reference.length);
    }

    private static boolean strictlyBelow(double[] p, double[] reference) {
        for (int k = 0; k < p.length; k++) {
            if (!(p[k] < reference[k])) {
                return false;
            }
        }
        return true;
    }

    /** The volume dominated in the first {@code m} objectives by points all strictly below the reference. */
    private static double volume(List<double[]> points, double[] reference, int m) {
        if (points.isEmpty()) {
            return 0;
        }
        if (m == 1) {
            return reference[0] - points.stream().mapToDouble(p -> p[0]).min().orElseThrow();
        }
        if (m == 2) {
            var sorted = new ArrayList<>(points);
            sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
            double area = 0;
            double ceiling = reference[1];
            for (double[] p : sorted) {
                if (p[1] < ceiling) {
                    area += (reference[0] - p[0]) * (ceiling - p[1]);
                    ceiling = p[1];
                }
            }
            return area;
        }
        var sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p[m - 1]));
        double total = 0;
        var slab = new ArrayList<double[]>();
        for (int i = 0; i < sorted.size(); i++) {
            slab.add(sorted.get(i));
            double top = i + 1 < sorted.size() ? sorted.get(i + 1)[m - 1] : reference[m - 1];
            if (top > sorted.get(i)[m - 1]) {
                total += volume(slab, reference, m - 1) * (top - sorted.get(i)[m - 1]);
            }
        }
        return total;
    }

    /**
     * What each point adds to the hypervolume of the set: the volume of the set minus the volume
     * without it (0 for a dominated point or a duplicate).
     */
    static double[] contributions(List<double[]> points, double[] reference) {
        double all = of(points, reference);
        double[] out = new double[points.size()];
        for (int i = 0; i < out.length; i++) {
            var others = new ArrayList<>(points);
            others.remove(i);
            out[i] = all - of(others, reference);
        }
        return out;
    }

    /**
     * Optuna's reference point for a set of losses: 1.1 × the worst value of each objective
     * (0.9 × when it is negative), 10⁻¹² where that is 0.
     */
    static double[] referenceFor(List<double[]> points) {
        double[] worst = points.getFirst().clone();
        for (double[] p : points) {
            for (int k = 0; k < worst.length; k++) {
                worst[k] = Math.max(worst[k], p[k]);
            }
        }
        double[] r = new double[worst.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = Math.max(1.1 * worst[k], 0.9 * worst[k]);
            r[k] = r[k] == 0 ? ParetoSplit.EPS : r[k];
        }
        return r;
    }
}
