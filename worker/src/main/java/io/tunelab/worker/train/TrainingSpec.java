package io.tunelab.worker.train;

import io.tunelab.api.Options;

import java.util.List;

/**
 * How a network is trained: the optimizer and its learning rate ({@code momentum} is
 * used by nesterovs only; sgd is plain), the minibatch size, the
 * most epochs, and early stopping: stop when the validation metric has not improved by more
 * than {@code min_delta} for {@code patience} epochs (0 turns early stopping off), then
 * restore the weights of the best epoch. {@code lr_decay} multiplies the learning rate by
 * itself after every epoch (1 keeps it constant). For classification, {@code class_weights:
 * balanced} weighs each class's loss by {@code n / (classes · n_c)} of the training rows and
 * {@code oversampling: random} draws rows of the rarer classes again until every class has as
 * many training rows as the commonest (validation rows are never touched).
 */
public record TrainingSpec(String optimizer, double learningRate, double momentum, int batchSize, int epochs,
                           int patience, double minDelta, double lrDecay, String classWeights, String oversampling) {
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd", "rmsprop", "nesterovs");
    public static final List<String> CLASS_WEIGHTS = List.of("none", "balanced");
    public static final List<String> OVERSAMPLINGS = List.of("none", "random");

    public static TrainingSpec parse(Options s) {
        var spec = new TrainingSpec(
                s.choice("optimizer", "adam", OPTIMIZERS),
                s.number("learning_rate", 1e-3, 1e-7, 10),
                s.number("momentum", 0.9, 0, 0.999),
                s.integer("batch_size", 32, 1, 1 << 16),
                s.integer("epochs", 30, 1, 10_000),
                s.integer("patience", 5, 0, 10_000),
                s.number("min_delta", 0.0, 0.0, 1.0),
                s.number("lr_decay", 1.0, 0.5, 1.0),
                s.choice("class_weights", "none", CLASS_WEIGHTS),
                s.choice("oversampling", "none", OVERSAMPLINGS));
        s.done();
        return spec;
    }
}
