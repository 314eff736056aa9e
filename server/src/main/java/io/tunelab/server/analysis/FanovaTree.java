package io.tunelab.server.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * One regression tree of the forest, read for functional ANOVA (Hutter, Hoos and Leyton-Brown,
 * "An Efficient Approach for Assessing Hyperparameter Importance", ICML 2014): the variance of
 * the tree's prediction over the whole box of encoded columns, and the variance of its marginal
 * prediction along a group of columns, the others averaged out over their ranges. Each leaf
 * stands for the box its path cuts out, weighted by that box's volume, as in the reference
 * implementation and Optuna's.
 *
 * <p>Nodes are numbered in pre-order, so a node's children come after it. Immutable after
 * construction and so safe to share.
 */
final class FanovaTree {
    /** A tree's structure: per node its split column (-1 for a leaf), threshold, children and leaf value. */
    record Nodes(int[] column, double[] threshold, int[] lessOrEqual, int[] greater, double[] value) {
        Nodes {
            int n = column.length;
            if (threshold.length != n || lessOrEqual.length != n || greater.length != n || value.length != n) {
                throw new IllegalArgumentException("every node array must have one entry per node (" + n + ")");
            }
        }

        int size() {
            return column.length;
        }

        boolean isLeaf(int node) {
            return column[node] < 0;
        }
    }

    private final Nodes nodes;
    private final double[][] bounds;
    /** Per node: the volume-weighted mean prediction over its box, and that box's volume. */
    private final double[] meanValue;
    private final double[] volume;
    /** Per node: the columns some split below it (itself included) uses. */
    private final BitSet[] subtreeColumns;
    /** Per column: its range cut at every threshold the tree splits it at, in order. */
    private final double[][] cuts;
    private final double variance;

    /** A tree over encoded columns whose ranges are {@code bounds[column] = {low, high}}. */
    FanovaTree(Nodes nodes, double[][] bounds) {
        this.nodes = nodes;
        this.bounds = bounds;
        int n = nodes.size();
        this.meanValue = new double[n];
        this.volume = new double[n];
        this.subtreeColumns = new BitSet[n];
        precomputeStatistics();
        this.cuts = precomputeCuts();
        this.variance = leafVariance();
    }

    /** The variance of this tree's prediction over the whole box. */
    double variance() {
        return variance;
    }

    /**
     * The variance, over the given columns' ranges, of this tree's prediction averaged over every
     * other column: the main effect of the group (a categorical param is the group of its one-hot
     * columns). Never negative.
     */
    double marginalVariance(int[] group) {
        double[][] midpoints = new double[group.length][];
        double[][] widths = new double[group.length][];
        for (int g = 0; g < group.length; g++) {
            double[] c = cuts[group[g]];
            midpoints[g] = new double[c.length - 1];
            widths[g] = new double[c.length - 1];
            for (int i = 0; i + 1 < c.length; i++) {
                midpoints[g][i] = 0.5 * (c[i] + c[i + 1]);
                widths[g][i] = c[i + 1] - c[i];
            }
        }
        // Where each column sits in the group (-1: averaged out), so a box need only hold the group's ranges.
        int[] position = new int[bounds.length];
        Arrays.fill(position, -1);
        BitSet fixed = new BitSet(bounds.length);
        for (int g = 0; g < group.length; g++) {
            position[group[g]] = g;
            fixed.set(group[g]);
        }
        List<double[]> cells = new ArrayList<>();
        int[] index = new int[group.length];
        double[] point = new double[group.length];
        while (true) {
            double cellWidth = 1;
            for (int g = 0; g < group.length; g++) {
                point[g] = midpoints[g][index[g]];
                cellWidth *= widths[g][index[g]];
            }
            double[] marginal = marginalized(group, position, fixed, point);
            cells.add(new double[]{marginal[0], marginal[1] * cellWidth});
            if (!advance(index, midpoints)) {
                break;
            }
        }
        return Math.max(0, weightedVariance(cells));
    }

    /** The next cell of the grid, as an odometer; false after the last. */
    private static boolean advance(int[] index, double[][] midpoints) {
        for (int g = index.length - 1; g >= 0; g--) {
            if (++index[g] < midpoints[g].length) {
                return true;
            }
            index[g] = 0;
        }
        return false;
    }

    /**
     * The tree's prediction with the group's columns at {@code point} and every other column
     * averaged out: the volume-weighted mean of the nodes the point leads to, and the weight of
     * that mean. A column averaged out counts with volume 1, so a box holds only the group's ranges.
     */
    private double[] marginalized(int[] group, int[] position, BitSet fixed, double[] point) {
        double[][] box = new double[group.length][];
        for (int g = 0; g < group.length; g++) {
            box[g] = bounds[group[g]].clone();
        }
        var pending = new ArrayDeque<Visit>();
        pending.push(new Visit(0, box));
        double sum = 0;
        double weight = 0;
        while (!pending.isEmpty()) {
            Visit visit = pending.pop();
            int node = visit.node();
            double[][] space = visit.box();
            if (!nodes.isLeaf(node)) {
                int g = position[nodes.column()[node]];
                if (g >= 0) {
                    boolean left = point[g] <= nodes.threshold()[node];
                    pending.push(new Visit(left ? nodes.lessOrEqual()[node] : nodes.greater()[node],
                            narrowed(space, g, nodes.threshold()[node], left)));
                    continue;
                }
                if (subtreeColumns[node].intersects(fixed)) {
                    pending.push(new Visit(nodes.lessOrEqual()[node], space));
                    pending.push(new Visit(nodes.greater()[node], space));
                    continue;
                }
            }
            double spaceVolume = volumeOf(space);
            double w = spaceVolume > 0 ? volume[node] / spaceVolume : 0;
            sum += w * meanValue[node];
            weight += w;
        }
        return new double[]{weight > 0 ? sum / weight : 0, weight};
    }

    /** A node still to visit and the box of fixed columns that leads to it. */
    private record Visit(int node, double[][] box) {
    }

    private void precomputeStatistics() {
        int n = nodes.size();
        double[][][] boxes = new double[n][][];
        boxes[0] = copy(bounds);
        for (int node = 0; node < n; node++) {
            if (nodes.isLeaf(node)) {
                meanValue[node] = nodes.value()[node];
                volume[node] = volumeOf(boxes[node]);
            } else {
                int column = nodes.column()[node];
                double t = nodes.threshold()[node];
                boxes[nodes.lessOrEqual()[node]] = narrowed(boxes[node], column, t, true);
                boxes[nodes.greater()[node]] = narrowed(boxes[node], column, t, false);
            }
        }
        for (int node = n - 1; node >= 0; node--) {
            subtreeColumns[node] = new BitSet(bounds.length);
            if (nodes.isLeaf(node)) {
                continue;
            }
            int a = nodes.lessOrEqual()[node];
            int b = nodes.greater()[node];
            double w = volume[a] + volume[b];
            volume[node] = w;
            meanValue[node] = w > 0 ? (volume[a] * meanValue[a] + volume[b] * meanValue[b]) / w : 0.5 * (meanValue[a] + meanValue[b]);
            subtreeColumns[node].set(nodes.column()[node]);
            subtreeColumns[node].or(subtreeColumns[a]);
            subtreeColumns[node].or(subtreeColumns[b]);
        }
    }

    private double[][] precomputeCuts() {
        List<TreeSet<Double>> thresholds = new ArrayList<>();
        for (int c = 0; c < bounds.length; c++) {
            thresholds.add(new TreeSet<>());
        }
        for (int node = 0; node < nodes.size(); node++) {
            if (!nodes.isLeaf(node)) {
                thresholds.get(nodes.column()[node]).add(clamp(nodes.threshold()[node], bounds[nodes.column()[node]]));
            }
        }
        double[][] out = new double[bounds.length][];
        for (int c = 0; c < bounds.length; c++) {
            TreeSet<Double> t = thresholds.get(c);
            out[c] = new double[t.size() + 2];
            out[c][0] = bounds[c][0];
            int i = 1;
            for (double v : t) {
                out[c][i++] = v;
            }
            out[c][i] = bounds[c][1];
        }
        return out;
    }

    private double leafVariance() {
        List<double[]> leaves = new ArrayList<>();
        for (int node = 0; node < nodes.size(); node++) {
            if (nodes.isLeaf(node)) {
                leaves.add(new double[]{meanValue[node], volume[node]});
            }
        }
        return weightedVariance(leaves);
    }

    /** The weighted variance of {value, weight} pairs; 0 when the weights sum to 0. */
    private static double weightedVariance(List<double[]> pairs) {
        double weight = 0;
        double sum = 0;
        for (double[] p : pairs) {
            weight += p[1];
            sum += p[0] * p[1];
        }
        if (!(weight > 0)) {
            return 0;
        }
        double mean = sum / weight;
        double squares = 0;
        for (double[] p : pairs) {
            squares += p[1] * (p[0] - mean) * (p[0] - mean);
        }
        return squares / weight;
    }

    /** The part of a box on one side of a threshold: {@code <= t} (left) or {@code > t}. */
    private static double[][] narrowed(double[][] box, int column, double t, boolean left) {
        double[][] out = copy(box);
        double cut = clamp(t, box[column]);
        out[column][left ? 1 : 0] = cut;
        return out;
    }

    private static double clamp(double t, double[] range) {
        return Math.max(range[0], Math.min(range[1], t));
    }

    private static double volumeOf(double[][] box) {
        double v = 1;
        for (double[] r : box) {
            v *= r[1] - r[0];
        }
        return v;
    }

    private static double[][] copy(double[][] box) {
        double[][] out = new double[box.length][];
        for (int i = 0; i < box.length; i++) {
            out[i] = box[i].clone();
        }
        return out;
    }
}
