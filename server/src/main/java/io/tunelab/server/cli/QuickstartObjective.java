package io.tunelab.server.cli;

import io.tunelab.client.ObjectiveFunction;
import io.tunelab.client.TrialContext;

import java.util.SplittableRandom;

/**
 * The example objective the demo optimizes for the quick-start sweep: a validation loss shaped
 * like a small network's, in {@code lr} (best near 3e-3), {@code layers} (best at 3), the
 * {@code optimizer} (adam better than plain sgd, sgd helped by {@code momentum} near 0.9), with
 * per-epoch reports so pruning has something to cut and a little seeded noise per trial.
 */
final class QuickstartObjective implements ObjectiveFunction {
    static final int EPOCHS = 10;

    @Override
    public double evaluate(TrialContext trial) throws Exception {
        double lr = trial.floatParam("lr");
        int layers = trial.intParam("layers");
        String optimizer = trial.stringParam("optimizer");
        double momentum = trial.params().containsKey("momentum") ? trial.floatParam("momentum") : 0.0;
        double d = Math.log10(lr) - Math.log10(3e-3);
        double floor = 0.08 + 0.15 * d * d + 0.03 * (layers - 3) * (layers - 3);
        if (optimizer.equals("sgd")) {
            floor += 0.05 + 0.2 * (0.9 - momentum) * (0.9 - momentum);
        }
        var noise = new SplittableRandom(trial.id() * 0x9E3779B97F4A7C15L);
        double loss = 0;
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            loss = floor + (1.0 - floor) * Math.exp(-0.5 * epoch) + 0.005 * noise.nextGaussian();
            if (trial.report(epoch, loss)) {
                throw trial.pruned();
            }
            Thread.sleep(2);
        }
        return loss;
    }
}
