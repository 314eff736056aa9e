package io.tunelab.experiments.pruning;

import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic training run: the validation loss of a model after each epoch, a noisy
 * exponential decay from 2.5 toward a final loss that depends on the params; how fast it gets
 * there depends on the learning rate, so a slow starter can still end best (which is what makes
 * pruning risky). The known best final loss is 0.05 at lr = 10^-2.5, width = 256, dropout = 0.2.
 */
final class LearningCurves {
    static final int EPOCHS = 81;

    static final SearchSpace SPACE = SearchSpace.builder()
            .add("lr", FloatParam.log(1e-4, 1.0))
            .add("width", IntParam.of(16, 512))
            .add("dropout", FloatParam.of(0.0, 0.5))
            .build();

    private LearningCurves() {
    }

    /** The noiseless loss the run converges to. */
    static double finalLoss(Map<String, Object> p) {
        double lr = Math.log10(((Number) p.get("lr")).doubleValue()) + 2.5;
        double width = (((Number) p.get("width")).doubleValue() - 256) / 256;
        double dropout = (((Number) p.get("dropout")).doubleValue() - 0.2) / 0.3;
        return 0.05 + 0.08 * lr * lr + 0.1 * width * width + 0.05 * dropout * dropout;
    }

    /** The epochs it takes to close 63% of the gap: long for small learning rates. */
    static double timeConstant(Map<String, Object> p) {
        double lr = ((Number) p.get("lr")).doubleValue();
        return 2 + 6 * Math.pow(1e-2 / lr, 0.35);
    }

    /** One run's losses at epochs 1..EPOCHS, with noise shrinking as training settles. */
    static double[] curve(Map<String, Object> p, long seed) {
        var rng = new SplittableRandom(seed);
        double fin = finalLoss(p);
        double tau = timeConstant(p);
        double[] out = new double[EPOCHS];
        for (int t = 1; t <= EPOCHS; t++) {
            double mean = fin + (2.5 - fin) * Math.exp(-t / tau);
            out[t - 1] = mean + rng.nextGaussian() * (0.01 + 0.05 * Math.exp(-t / 20.0));
        }
        return out;
    }
}
