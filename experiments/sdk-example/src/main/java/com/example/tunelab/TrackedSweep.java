package com.example.tunelab;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A sweep that records everything a trial page can show: it launches {@code logreg-tracked} on
 * the server whose URL is the first argument, and each of its 12 trials trains the logistic
 * regression with 3 seeds (3 repetitions: the trial's value is their mean, with n, std and 95%
 * CI), tags the trial with the model family, notes when the step size diverges, and attaches
 * the best seed's weights and every seed's loss curve as artifacts. The SDK adds the provenance
 * (JVM, OS, host, class path, git commit) by itself. It prints each trial's page address.
 */
public final class TrackedSweep {
    private static final BreastCancerModel MODEL = BreastCancerModel.load();
    static final int SEEDS = 3;

    private TrackedSweep() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String token = args.length > 1 ? args[1] : System.getenv("TUNELAB_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("error: give a token with the write scope as the second argument or in TUNELAB_TOKEN");
            System.exit(2);
        }
        try (TunelabClient client = TunelabClient.connect(url, token.strip())) {
            ExperimentHandle exp = client.launch(ExperimentSpec.builder("logreg-tracked")
                    .minimize("loss")
                    .param("lr", FloatParam.log(1e-3, 3.0))
                    .param("batch", IntParam.of(8, 128))
                    .strategy("auto").trials(12).seed(7L)
                    .build());
            exp.tag("example", "logistic-regression");
            exp.optimize(trial -> {
                double lr = trial.floatParam("lr");
                int batch = trial.intParam("batch");
                BreastCancerModel.Fit best = null;
                var curves = new StringBuilder("seed,epoch,loss\n");
                for (int seed = 0; seed < SEEDS; seed++) {
                    BreastCancerModel.Fit fit = MODEL.fit(lr, batch, 10, seed);
                    trial.repetition(seed, (long) seed, Map.of("loss", fit.loss()));
                    for (int epoch = 0; epoch < fit.lossByEpoch().length; epoch++) {
                        curves.append(seed).append(',').append(epoch + 1).append(',').append(fit.lossByEpoch()[epoch]).append('\n');
                    }
                    if (best == null || fit.loss() < best.loss()) {
                        best = fit;
                    }
                }
                trial.tag("model", "logistic-regression");
                trial.tag("epochs", "10");
                if (lr > 1.0) {
                    trial.note("step size " + lr + " is large: the loss curve may oscillate");
                }
                trial.artifact("loss-curves.csv", curves.toString().getBytes(StandardCharsets.UTF_8));
                trial.artifact("weights.csv", weights(best).getBytes(StandardCharsets.UTF_8));
                return best.loss(); // not used: with repetitions the value is their mean
            }, 12, 2);
            exp.leaderboard(3).forEach(t -> System.out.println(t.number() + " " + t.values() + " " + t.params()
                    + " " + url + "/#/trials/" + t.id()));
        } catch (TunelabException e) {
            System.err.println("error: " + e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static String weights(BreastCancerModel.Fit fit) {
        var csv = new StringBuilder("feature,weight\nbias,").append(fit.bias()).append('\n');
        for (int j = 0; j < fit.weights().length; j++) {
            csv.append(j).append(',').append(fit.weights()[j]).append('\n');
        }
        return csv.toString();
    }
}
