package io.tunelab.server.analysis;

import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A random forest of Tribuo's CART regression trees, read back as the structure of each tree:
 * what Optuna's fANOVA asks of scikit-learn's {@code RandomForestRegressor} (a bootstrap sample
 * per tree, every column a candidate at every split, leaves of one row allowed). Tribuo's tree
 * models expose their structure publicly ({@link SplitNode#getFeatureID()},
 * {@link SplitNode#splitValue()}, its two children, {@link LeafNode#getOutput()}), so nothing here
 * depends on Tribuo's internals.
 *
 * <p>The bagging is this class's own loop rather than Tribuo's {@code BaggingTrainer}: when
 * several columns split a node equally well, which is common with few trials, CART keeps the
 * first column it tried, so every tree would credit the same one; scikit-learn's forest breaks
 * such ties at random. Each tree here therefore sees the columns in its own random order.
 * Deterministic for a seed. Stateless.
 */
final class RegressionForest {
    private static final String TARGET = "objective";
    /** Tribuo logs at INFO as it trains; held here so the level set on it is not collected with it. */
    private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(Level.WARNING);
    }

    private RegressionForest() {
    }

    /**
     * The trees of a forest fitted to rows {@code x} (encoded columns) and targets {@code y};
     * a tree splits a node while it holds two rows or more, up to {@code maxDepth}.
     */
    static List<FanovaTree.Nodes> fit(double[][] x, double[] y, int trees, int maxDepth, long seed) {
        var random = new SplittableRandom(seed);
        int columns = x.length == 0 ? 0 : x[0].length;
        var out = new ArrayList<FanovaTree.Nodes>(trees);
        for (int t = 0; t < trees; t++) {
            int[] order = shuffled(columns, random);
            var factory = new RegressionFactory();
            var data = new MutableDataset<Regressor>(new SimpleDataSourceProvenance("complete trials", factory), factory);
            for (int k = 0; k < x.length; k++) {
                int i = random.nextInt(x.length);
                var example = new ArrayExample<Regressor>(new Regressor(TARGET, y[i]));
                for (int c = 0; c < columns; c++) {
                    example.add(featureName(order[c]), x[i][c]);
                }
                data.add(example);
            }
            var cart = new CARTRegressionTrainer(maxDepth, 1.0f, 0.0f, 1.0f, false, new MeanSquaredError(), random.nextLong());
            out.add(structure(cart.train(data), inverse(order)));
        }
        return out;
    }

    /** The numbers 0 to n - 1 in a random order. */
    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static int[] inverse(int[] order) {
        int[] inverse = new int[order.length];
        for (int c = 0; c < order.length; c++) {
            inverse[order[c]] = c;
        }
        return inverse;
    }

    private static String featureName(int position) {
        // Zero-padded so Tribuo's feature order (by name) is the order of the positions.
        return String.format("f%05d", position);
    }

    /** A tree's structure, with the column at each feature position ({@code columnAt[position]}). */
    private static FanovaTree.Nodes structure(TreeModel<Regressor> tree, int[] columnAt) {
        Node<Regressor> root = tree instanceof IndependentRegressionTreeModel independent
                ? independent.getRoots().values().iterator().next()
                : tree.getRoot();
        var flat = new Flattened(tree.getFeatureIDMap(), columnAt);
        flat.add(root);
        return flat.nodes();
    }

    /** A tree's nodes written out in pre-order, each split's feature id turned into its column. */
    private static final class Flattened {
        private final ImmutableFeatureMap features;
        private final int[] columnAt;
        private final List<Integer> column = new ArrayList<>();
        private final List<Double> threshold = new ArrayList<>();
        private final List<Integer> lessOrEqual = new ArrayList<>();
        private final List<Integer> greater = new ArrayList<>();
        private final List<Double> value = new ArrayList<>();

        Flattened(ImmutableFeatureMap features, int[] columnAt) {
            this.features = features;
            this.columnAt = columnAt;
        }

        int add(Node<Regressor> node) {
            int index = column.size();
            column.add(-1);
            threshold.add(Double.NaN);
            lessOrEqual.add(-1);
            greater.add(-1);
            value.add(Double.NaN);
            if (node instanceof SplitNode<Regressor> split) {
                column.set(index, columnAt[Integer.parseInt(features.get(split.getFeatureID()).getName().substring(1))]);
                threshold.set(index, split.splitValue());
                lessOrEqual.set(index, add(split.getLessThanOrEqual()));
                greater.set(index, add(split.getGreaterThan()));
            } else {
                value.set(index, ((LeafNode<Regressor>) node).getOutput().getValues()[0]);
            }
            return index;
        }

        FanovaTree.Nodes nodes() {
            return new FanovaTree.Nodes(column.stream().mapToInt(Integer::intValue).toArray(),
                    threshold.stream().mapToDouble(Double::doubleValue).toArray(),
                    lessOrEqual.stream().mapToInt(Integer::intValue).toArray(),
                    greater.stream().mapToInt(Integer::intValue).toArray(),
                    value.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }
}
