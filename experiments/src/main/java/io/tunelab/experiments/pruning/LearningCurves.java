package io.tunelab.experiments.pruning;

import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic training run: the validation loss of a model after each epoch, a noisy
 * exponential decay from 2.5 toward a final loss that depends on the params. The known best
 * final loss is 0.05 at lr = 10^-2.5, width = 256, dropout = 0.2. Three families differ in how fast
 * a run gets there:
 * <ul>
 *   <li>{@link #CROSSING}: the smaller the learning rate, the slower (time constant 3 to 32
 *       epochs), so the best configuration is overtaken early by faster but worse ones and
 *       curves cross — the case where pruning by early ranking is risky;</li>
 *   <li>{@link #STEADY}: every run has the same time constant (5 epochs), so early ranking
 *       predicts the final one up to noise — the case pruning is designed for.</li>
 *   <li>{@link #PLATEAU}: a run first sits on a plateau near its starting loss, the wider the
 *       longer (0 to 12 epochs), then decays with a time constant set by the dropout (4 to 12
 *       epochs); curves cross, and their shape is neither exponential nor a power law from the
 *       start. A family kept aside to check rules designed on the other two.</li>
 * </ul>
 */
enum LearningCurves {
    CROSSING, STEADY, PLATEAU;

    static final int EPOCHS = 81;

    static final SearchSpace SPACE = SearchSpace.builder()
            .add("lr", FloatParam.log(1e-4, 1.0))
            .add("width", IntParam.of(16, 512))
            .add("dropout", FloatParam.of(0.0, 0.5))
            .build();

    /** The noiseless loss the run converges to. */
    static double finalLoss(Map<String, Object> p) {
        double lr = Math.log10(((Number) p.get("lr")).doubleValue()) + 2.5;
        double width = (((Number) p.get("width")).doubleValue() - 256) / 256;
        double dropout = (((Number) p.get("dropout")).doubleValue() - 0.2) / 0.3;
        return 0.05 + 0.08 * lr * lr + 0.1 * width * width + 0.05 * dropout * dropout;
    }

    /** The epochs it takes to close 63% of the gap. */
    double timeConstant(Map<String, Object> p) {
        if (this == STEADY) {
            return 5;
        }
        if (this == PLATEAU) {
            return 4 + 16 * ((Number) p.get("dropout")).doubleValue();
        }
        double lr = ((Number) p.get("lr")).doubleValue();
        return 2 + 6 * Math.pow(1e-2 / lr, 0.35);
    }

    /** The epochs a run sits on its plateau before it starts to fall (0 but for {@link #PLATEAU}). */
    double plateau(Map<String, Object> p) {
        return this == PLATEAU ? 12 * (((Number) p.get("width")).doubleValue() - 16) / 496 : 0;
    }

    /** One run's losses at epochs 1..EPOCHS, with noise shrinking as training settles. */
    double[] curve(Map<String, Object> p, long seed) {
        var rng = new SplittableRandom(seed);
        double fin = finalLoss(p);
        double tau = timeConstant(p);
        double delay = plateau(p);
        double[] out = new double[EPOCHS];
        for (int t = 1; t <= EPOCHS; t++) {
            // Past the plateau the decay is exponential: softplus(t - delay) ~ t - delay there.
            double elapsed = delay == 0 ? t : Math.log1p(Math.exp(t - delay));
            double mean = fin + (2.5 - fin) * Math.exp(-elapsed / tau);
            out[t - 1] = mean + rng.nextGaussian() * (0.01 + 0.05 * Math.exp(-t / 20.0));
        }
        return out;
    }
}
