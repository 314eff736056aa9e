package io.tunelab.worker.train;

import io.tunelab.api.Options;

import java.util.List;

/**
 * The network of a task. {@code mlp} is a stack of {@code layers} dense layers of
 * {@code units} each; {@code wide_deep} is the same deep stack with the raw inputs also
 * wired straight into the output layer (the "wide" linear part), which suits tabular data
 * where some inputs act linearly. {@code dropout} is the share of hidden units dropped during
 * training and {@code input_dropout} the share of inputs,
 * {@code l2} the weight penalty, {@code batch_norm} a batch normalisation after each layer.
 */
public record ModelSpec(String family, int layers, int units, String activation, double dropout,
                        double inputDropout, double l2, boolean batchNorm) {
    public static final List<String> FAMILIES = List.of("mlp", "wide_deep");
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
                s.bool("batch_norm", false));
        s.done();
        return spec;
    }
}
