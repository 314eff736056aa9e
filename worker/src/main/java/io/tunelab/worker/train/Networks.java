package io.tunelab.worker.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** Builds the DL4J network of a model family, initialised from a seed. */
final class Networks {
    private Networks() {
    }

    /**
     * A network with {@code inputs} inputs and {@code outputs} outputs: class probabilities
     * (softmax, cross-entropy) for classification, one value (identity, squared error) for
     * regression.
     */
    static Network build(ModelSpec model, TrainingSpec training, int inputs, int outputs, boolean classification,
                         long seed, int iterationsPerEpoch) {
        var base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater(training, iterationsPerEpoch))
                .weightInit(weightInit(model.activation()));
        if (model.l2() > 0) {
            base.l2(model.l2());
        }
        return switch (model.family()) {
            case "mlp" -> mlp(base, model, inputs, outputs, classification);
            case "wide_deep" -> wideAndDeep(base, model, inputs, outputs, classification);
            default -> throw new IllegalArgumentException("unknown model family " + model.family());
        };
    }

    private static Network mlp(NeuralNetConfiguration.Builder base, ModelSpec model, int inputs, int outputs,
                               boolean classification) {
        var list = base.list();
        int in = inputs;
        for (int i = 0; i < model.layers(); i++) {
            list.layer(dense(model, in, i));
            if (model.batchNorm()) {
                list.layer(new BatchNormalization.Builder().nOut(model.units()).build());
            }
            in = model.units();
        }
        list.layer(output(model, in, outputs, classification));
        var net = new MultiLayerNetwork(list.build());
        net.init();
        return new Network.Layers(net);
    }

    private static Network wideAndDeep(NeuralNetConfiguration.Builder base, ModelSpec model, int inputs, int outputs,
                                       boolean classification) {
        var graph = base.graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(inputs));
        String last = "in";
        int in = inputs;
        for (int i = 0; i < model.layers(); i++) {
            graph.addLayer("deep" + i, dense(model, in, i), last);
            last = "deep" + i;
            if (model.batchNorm()) {
                graph.addLayer("norm" + i, new BatchNormalization.Builder().nOut(model.units()).build(), last);
                last = "norm" + i;
            }
            in = model.units();
        }
        if (model.layers() > 0) {
            graph.addVertex("wide_and_deep", new MergeVertex(), "in", last);
            last = "wide_and_deep";
            in = inputs + model.units();
        }
        graph.addLayer("out", output(model, in, outputs, classification), last).setOutputs("out");
        var net = new ComputationGraph(graph.build());
        net.init();
        return new Network.Graph(net);
    }

    private static DenseLayer dense(ModelSpec model, int in, int index) {
        var b = new DenseLayer.Builder().nIn(in).nOut(model.units()).activation(activation(model.activation()));
        // DL4J's dropOut takes the probability of keeping a layer's input.
        double drop = index == 0 ? model.inputDropout() : model.dropout();
        if (drop > 0) {
            b.dropOut(1 - drop);
        }
        return b.build();
    }

    private static OutputLayer output(ModelSpec model, int in, int outputs, boolean classification) {
        var b = new OutputLayer.Builder(classification ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
                .nIn(in).nOut(outputs)
                .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER);
        if (model.dropout() > 0 && model.layers() > 0) {
            b.dropOut(1 - model.dropout());
        }
        return b.build();
    }

    /** The optimizer; with lr_decay its rate falls by that factor per epoch, smoothly per iteration. */
    static IUpdater updater(TrainingSpec t, int iterationsPerEpoch) {
        ISchedule rate = new ExponentialSchedule(ScheduleType.ITERATION, t.learningRate(),
                Math.pow(t.lrDecay(), 1.0 / Math.max(1, iterationsPerEpoch)));
        return switch (t.optimizer()) {
            case "adam" -> new Adam(rate);
            case "sgd" -> new Sgd(rate);
            case "rmsprop" -> new RmsProp(rate);
            case "nesterovs" -> new Nesterovs(rate, t.momentum());
            default -> throw new IllegalArgumentException("unknown optimizer " + t.optimizer());
        };
    }

    private static Activation activation(String name) {
        return switch (name) {
            case "relu" -> Activation.RELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "elu" -> Activation.ELU;
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            case "swish" -> Activation.SWISH;
            case "gelu" -> Activation.GELU;
            default -> throw new IllegalArgumentException("unknown activation " + name);
        };
    }

    private static WeightInit weightInit(String activation) {
        return switch (activation) {
            case "tanh", "sigmoid" -> WeightInit.XAVIER;
            default -> WeightInit.RELU;
        };
    }
}
