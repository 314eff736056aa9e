package io.tunelab.server.analysis;

import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A random forest fitted with Tribuo (bagged CART regression trees, every column a candidate at
 * every split, leaves of one row allowed: what Optuna's fANOVA asks of scikit-learn's
 * {@code RandomForestRegressor}), read back as the structure of each tree. Tribuo's tree models
 * expose their structure publicly ({@link SplitNode#getFeatureID()}, {@link SplitNode#splitValue()},
 * its two children, {@link LeafNode#getOutput()}), so nothing here depends on its internals.
 * Deterministic for a seed. Stateless.
 */
final class RegressionForest {
    private static final String TARGET = "objective";
    /** Tribuo logs every bagged tree at INFO; held here so the level set on it is not collected with it. */
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
        var factory = new RegressionFactory();
        var data = new MutableDataset<Regressor>(new SimpleDataSourceProvenance("complete trials", factory), factory);
        for (int i = 0; i < x.length; i++) {
            var example = new ArrayExample<Regressor>(new Regressor(TARGET, y[i]));
            for (int c = 0; c < x[i].length; c++) {
                example.add(columnName(c), x[i][c]);
            }
            data.add(example);
        }
        var cart = new CARTRegressionTrainer(maxDepth, 1.0f, 0.0f, 1.0f, false, new MeanSquaredError(), seed);
        EnsembleModel<Regressor> forest = new BaggingTrainer<>(cart, new AveragingCombiner(), trees, seed).train(data);
        var out = new ArrayList<FanovaTree.Nodes>(trees);
        for (Model<Regressor> member : forest.getModels()) {
            out.add(structure(member));
        }
        return out;
    }

    private static String columnName(int column) {
        // Zero-padded so Tribuo's feature order (by name) is the column order.
        return String.format("c%05d", column);
    }

    private static FanovaTree.Nodes structure(Model<Regressor> member) {
        Node<Regressor> root = member instanceof IndependentRegressionTreeModel independent
                ? independent.getRoots().values().iterator().next()
                : ((TreeModel<Regressor>) member).getRoot();
        var flat = new Flattened(member.getFeatureIDMap());
        flat.add(root);
        return flat.nodes();
    }

    /** A tree's nodes written out in pre-order, each split's feature id turned into its column. */
    private static final class Flattened {
        private final ImmutableFeatureMap features;
        private final List<Integer> column = new ArrayList<>();
        private final List<Double> threshold = new ArrayList<>();
        private final List<Integer> lessOrEqual = new ArrayList<>();
        private final List<Integer> greater = new ArrayList<>();
        private final List<Double> value = new ArrayList<>();

        Flattened(ImmutableFeatureMap features) {
            this.features = features;
        }

        int add(Node<Regressor> node) {
            int index = column.size();
            column.add(-1);
            threshold.add(Double.NaN);
            lessOrEqual.add(-1);
            greater.add(-1);
            value.add(Double.NaN);
            if (node instanceof SplitNode<Regressor> split) {
                column.set(index, Integer.parseInt(features.get(split.getFeatureID()).getName().substring(1)));
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
