package io.tunelab.worker.train;

import io.tunelab.api.Options;

import java.util.List;

/**
 * The network of a task. {@code mlp} is a stack of {@code layers} dense layers of
 * {@code units} each; {@code wide_deep} is the same deep stack with the raw inputs also
 * wired straight into the output layer (the "wide" linear part), which suits tabular data
 * where some inputs act linearly; {@code cnn} reads each row as an image of the dataset's
 * shape through {@code convLayers} blocks of a convolution ({@code filters} filters of
 * {@code kernel} × {@code kernel}, same padding) and a {@code pool} × {@code pool} max pooling
 * (none when 1), then the dense stack. {@code dropout} is the share of hidden units dropped
 * during training and {@code input_dropout} the share of inputs, {@code l2} the weight penalty,
 * {@code batch_norm} a batch normalisation after each dense layer.
 */
public record ModelSpec(String family, int layers, int units, String activation, double dropout,
                        double inputDropout, double l2, boolean batchNorm, int convLayers, int filters, int kernel,
                        int pool) {
    public static final List<String> FAMILIES = List.of("mlp", "wide_deep", "cnn");
    public static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "elu", "tanh", "sigmoid", "swish", "gelu");

    public static ModelSpec parse(Options s) {
        var spec = new ModelSpec(
                s.choice("family", "mlp", FAMILIES),
                s.integer("layers", 2, 0, 8),
                s.integer("units", 64, 1, 4096),
                s.choice("activation", "relu", ACTIVATIONS),
                s.number("dropout", 0.0, 0.0, 0.95),
                s.number("input_dropout", 0.0, 0.0, 0.95),
                s.number("l2", 0.0, 0.0, 1.0),
                s.bool("batch_norm", false),
                s.integer("conv_layers", 2, 1, 8),
                s.integer("filters", 16, 1, 1024),
                s.integer("kernel", 3, 1, 64),
                s.integer("pool", 2, 1, 16));
        s.done();
        return spec;
    }
}
