package io.tunelab.experiments.multiobjective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The hypervolume of a set of points (every objective minimized) against a reference point:
 * the volume of the region the points dominate and the reference point bounds. Exact, for two
 * objectives (a sweep, O(n log n)) and three (slices along the third, O(n² log n)), which is
 * plenty for fronts of a few hundred points. Points not strictly better than the reference in
 * every objective add nothing; dominated points and duplicates add nothing either.
 */
public final class Hypervolume {
    private Hypervolume() {
    }

    public static double of(List<double[]> points, double[] reference) {
        if (reference.length < 2 || reference.length > 3) {
            throw new IllegalArgumentException("hypervolume is computed for 2 or 3 objectives, got " + reference.length);
        }
        var inside = new ArrayList<double[]>();
        for (double[] p : points) {
            if (p.length != reference.length) {
                throw new IllegalArgumentException("a point has " + p.length + " objectives, the reference point " + reference.length);
            }
            boolean below = true;
            for (int k = 0; k < p.length; k++) {
                below &= p[k] < reference[k];
            }
            if (below) {
                inside.add(p);
            }
        }
        return reference.length == 2 ? twoD(inside, reference[0], reference[1]) : threeD(inside, reference);
    }

    private static double twoD(List<double[]> points, double r0, double r1) {
        var sorted = new ArrayList<>(points);
        sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double volume = 0;
        double ceiling = r1;
        for (double[] p : sorted) {
            if (p[1] < ceiling) {
                volume += (r0 - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return volume;
    }

    private static double threeD(List<double[]> points, double[] r) {
        var sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p[2]));
        double volume = 0;
        var slice = new ArrayList<double[]>();
        for (int i = 0; i < sorted.size(); i++) {
            slice.add(Arrays.copyOf(sorted.get(i), 2));
            double top = i + 1 < sorted.size() ? sorted.get(i + 1)[2] : r[2];
            if (top > sorted.get(i)[2]) {
                volume += twoD(slice, r[0], r[1]) * (top - sorted.get(i)[2]);
            }
        }
        return volume;
    }
}
