package io.tunelab.worker.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J network of either kind, behind the few operations training needs. Not thread-safe:
 * one trial's repetition owns it.
 */
sealed interface Network {
    Model model();

    /** One optimisation step on a minibatch. */
    void fit(INDArray features, INDArray labels);

    /** Predictions in inference mode (no dropout). */
    INDArray output(INDArray features);

    /** The loss of the last minibatch fitted. */
    default double score() {
        return model().score();
    }

    /** The parameters as one flat view. */
    default INDArray params() {
        return model().params();
    }

    default void setParams(INDArray params) {
        model().setParams(params);
    }

    record Layers(MultiLayerNetwork model) implements Network {
        @Override
        public void fit(INDArray features, INDArray labels) {
            model.fit(features, labels);
        }

        @Override
        public INDArray output(INDArray features) {
            return model.output(features, false);
        }
    }

    record Graph(ComputationGraph model) implements Network {
        @Override
        public void fit(INDArray features, INDArray labels) {
            model.fit(new INDArray[] {features}, new INDArray[] {labels});
        }

        @Override
        public INDArray output(INDArray features) {
            return model.outputSingle(false, features);
        }
    }
}
