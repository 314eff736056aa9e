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
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.List;

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
        return build(model, training, new Shape(inputs, null, outputs, classification, null), seed, iterationsPerEpoch);
    }

    /**
     * The inputs and outputs of a network.
     *
     * @param grid         {@code [channels, height, width]} of an input row (cnn only), or null
     * @param classWeights per-class weights of the cross-entropy loss, or null for equal weights
     */
    record Shape(int inputs, List<Integer> grid, int outputs, boolean classification, double[] classWeights) {
    }

    /** A network for some inputs and outputs, initialised from a seed. */
    static Network build(ModelSpec model, TrainingSpec training, Shape shape, long seed, int iterationsPerEpoch) {
        var base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater(training, iterationsPerEpoch))
                .weightInit(weightInit(model.activation()));
        if (model.l2() > 0) {
            base.l2(model.l2());
        }
        return switch (model.family()) {
            case "mlp" -> mlp(base, model, shape);
            case "wide_deep" -> wideAndDeep(base, model, shape);
            case "cnn" -> ConvolutionalNetworks.build(base, model, shape);
            default -> throw new IllegalArgumentException("unknown model family " + model.family());
        };
    }

    private static Network mlp(NeuralNetConfiguration.Builder base, ModelSpec model, Shape shape) {
        var list = base.list();
        int in = shape.inputs();
        for (int i = 0; i < model.layers(); i++) {
            list.layer(dense(model, in, i));
            if (model.batchNorm()) {
                list.layer(new BatchNormalization.Builder().nOut(model.units()).build());
            }
            in = model.units();
        }
        list.layer(output(model, in, shape));
        var net = new MultiLayerNetwork(list.build());
        net.init();
        return new Network.Layers(net);
    }

    private static Network wideAndDeep(NeuralNetConfiguration.Builder base, ModelSpec model, Shape shape) {
        int inputs = shape.inputs();
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
        graph.addLayer("out", output(model, in, shape), last).setOutputs("out");
        var net = new ComputationGraph(graph.build());
        net.init();
        return new Network.Graph(net);
    }

    /** A hidden dense layer; {@code in} is its input count, or 0 to let DL4J infer it from the input type. */
    static DenseLayer dense(ModelSpec model, int in, int index) {
        var b = new DenseLayer.Builder().nOut(model.units()).activation(activation(model.activation()));
        if (in > 0) {
            b.nIn(in);
        }
        // DL4J's dropOut takes the probability of keeping a layer's input.
        double drop = index == 0 ? model.inputDropout() : model.dropout();
        if (drop > 0) {
            b.dropOut(1 - drop);
        }
        return b.build();
    }

    /** The output layer; {@code in} is its input count, or 0 to let DL4J infer it from the input type. */
    static OutputLayer output(ModelSpec model, int in, Shape shape) {
        var b = new OutputLayer.Builder(loss(shape))
                .nOut(shape.outputs())
                .activation(shape.classification() ? Activation.SOFTMAX : Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER);
        if (in > 0) {
            b.nIn(in);
        }
        if (model.dropout() > 0 && model.layers() > 0) {
            b.dropOut(1 - model.dropout());
        }
        return b.build();
    }

    /** Cross-entropy (weighted per class when asked) for classification, squared error for regression. */
    private static ILossFunction loss(Shape shape) {
        if (!shape.classification()) {
            return new LossMSE();
        }
        if (shape.classWeights() == null) {
            return new LossMCXENT();
        }
        float[] w = new float[shape.classWeights().length];
        for (int c = 0; c < w.length; c++) {
            w[c] = (float) shape.classWeights()[c];
        }
        return new LossMCXENT(Nd4j.create(w, 1, w.length));
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

    static Activation activation(String name) {
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
