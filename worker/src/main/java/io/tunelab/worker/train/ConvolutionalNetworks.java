package io.tunelab.worker.train;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The {@code cnn} family: each row is read as a {@code [channels, height, width]} image (the
 * dataset's shape, flattened row by row as DL4J's {@code convolutionalFlat} expects), passed
 * through {@code conv_layers} blocks of a same-padded convolution and a max pooling (none when
 * {@code pool} is 1), then through the dense stack of {@code layers} × {@code units} and the
 * output layer. Layer input sizes are inferred by DL4J from the input type. The task's shape
 * was checked by {@link TaskCheck}.
 */
final class ConvolutionalNetworks {
    private ConvolutionalNetworks() {
    }

    static Network build(NeuralNetConfiguration.Builder base, ModelSpec model, Networks.Shape shape) {
        var list = base.list();
        for (int block = 0; block < model.convLayers(); block++) {
            list.layer(new ConvolutionLayer.Builder(model.kernel(), model.kernel())
                    .stride(1, 1)
                    .convolutionMode(ConvolutionMode.Same)
                    .nOut(model.filters())
                    .activation(Networks.activation(model.activation()))
                    .build());
            if (model.pool() > 1) {
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(model.pool(), model.pool())
                        .stride(model.pool(), model.pool())
                        .convolutionMode(ConvolutionMode.Truncate)
                        .build());
            }
        }
        for (int i = 0; i < model.layers(); i++) {
            // The first dense layer's input dropout applies to the inputs of a dense model only.
            list.layer(Networks.dense(model, 0, i + 1));
            if (model.batchNorm()) {
                list.layer(new BatchNormalization.Builder().nOut(model.units()).build());
            }
        }
        list.layer(Networks.output(model, 0, shape));
        var grid = shape.grid();
        list.setInputType(InputType.convolutionalFlat(grid.get(1), grid.get(2), grid.get(0)));
        var net = new MultiLayerNetwork(list.build());
        net.init();
        return new Network.Layers(net);
    }
}
