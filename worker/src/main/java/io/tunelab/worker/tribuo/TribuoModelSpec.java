package io.tunelab.worker.tribuo;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.tree.ExtraTreesTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Pegasos;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

import java.util.List;

/**
 * The model of a tribuo task. {@code random_forest} and {@code extra_trees} are ensembles of
 * {@code trees} trees (extra trees split at random points), {@code cart} one tree; every tree
 * grows at most {@code max_depth} deep, splits a node only when each child keeps at least
 * {@code min_child_weight} rows, and looks at {@code features_per_split} (a share) of the
 * inputs at each split. {@code linear} is logistic regression (classification) or least
 * squares (regression) fitted by SGD for {@code training.epochs} epochs at
 * {@code training.learning_rate} (AdaGrad; with {@code model.l2} above 0, an L2-penalised
 * step), in minibatches of {@code training.batch_size}.
 */
public record TribuoModelSpec(String family, int trees, int maxDepth, double minChildWeight, double featuresPerSplit,
                              double l2, double learningRate, int epochs, int batchSize) {
    public static final List<String> FAMILIES = List.of("random_forest", "extra_trees", "cart", "linear");
    private static final List<String> ENSEMBLES = List.of("random_forest", "extra_trees");
    private static final List<String> TREES = List.of("random_forest", "extra_trees", "cart");

    /**
     * Reads {@code model:} and {@code training:}; a field the family does not use is an
     * INVALID_SPEC error naming it, as is a forest that looks at every input at every split.
     */
    public static TribuoModelSpec parse(Options model, Options training) {
        String family = model.choice("family", "random_forest", FAMILIES);
        only(model, "trees", family, ENSEMBLES);
        for (String tree : List.of("max_depth", "min_child_weight", "features_per_split")) {
            only(model, tree, family, TREES);
        }
        only(model, "l2", family, List.of("linear"));
        for (String key : List.of("learning_rate", "epochs", "batch_size")) {
            only(training, key, family, List.of("linear"));
        }
        double featuresDefault = family.equals("random_forest") ? 0.5 : 1.0;
        var spec = new TribuoModelSpec(family,
                model.integer("trees", 50, 1, 1000),
                model.integer("max_depth", 10, 1, 64),
                model.number("min_child_weight", 5, 0, 1e6),
                model.number("features_per_split", featuresDefault, 1e-3, 1),
                model.number("l2", 0, 0, 10),
                training.number("learning_rate", 0.1, 1e-6, 10),
                training.integer("epochs", 20, 1, 10_000),
                training.integer("batch_size", 1, 1, 1 << 16));
        if (family.equals("random_forest") && spec.featuresPerSplit() >= 1) {
            throw TunelabException.invalidSpec(model.name("features_per_split") + " must be below 1 for random_forest (a "
                    + "forest draws a share of the inputs at each split), as 0.5; got " + spec.featuresPerSplit());
        }
        model.done();
        training.done();
        return spec;
    }

    private static void only(Options section, String key, String family, List<String> families) {
        if (section.has(key) && !families.contains(family)) {
            throw TunelabException.invalidSpec(section.name(key) + " applies to " + String.join(" and ", families)
                    + " only; model.family is " + family + " (leave it out, or make its param conditional on model.family)");
        }
    }

    /** The classification trainer of this model, seeded. */
    org.tribuo.Trainer<Label> classificationTrainer(long seed) {
        if (family.equals("linear")) {
            return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(), optimiser(), epochs, -1,
                    batchSize, seed);
        }
        var tree = new CARTClassificationTrainer(maxDepth, (float) minChildWeight, 0f, (float) featuresPerSplit,
                family.equals("extra_trees"), new GiniIndex(), seed);
        return switch (family) {
            case "random_forest" -> new RandomForestTrainer<>(tree, new FullyWeightedVotingCombiner(), trees, seed);
            case "extra_trees" -> new ExtraTreesTrainer<>(tree, new FullyWeightedVotingCombiner(), trees, seed);
            default -> tree;
        };
    }

    /** The regression trainer of this model, seeded. */
    org.tribuo.Trainer<Regressor> regressionTrainer(long seed) {
        if (family.equals("linear")) {
            return new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), optimiser(), epochs, -1,
                    batchSize, seed);
        }
        var tree = new CARTRegressionTrainer(maxDepth, (float) minChildWeight, 0f, (float) featuresPerSplit,
                family.equals("extra_trees"), new MeanSquaredError(), seed);
        return switch (family) {
            case "random_forest" -> new RandomForestTrainer<>(tree, new AveragingCombiner(), trees, seed);
            case "extra_trees" -> new ExtraTreesTrainer<>(tree, new AveragingCombiner(), trees, seed);
            default -> tree;
        };
    }

    /** AdaGrad at the learning rate; with an L2 penalty, Pegasos (an L2-penalised step). */
    private StochasticGradientOptimiser optimiser() {
        return l2 > 0 ? new Pegasos(learningRate, l2) : new AdaGrad(learningRate);
    }
}
