package com.example.tunelab;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;

/**
 * The README's SDK quick-start as a program: it launches the experiment {@code mlp-lr} on the
 * server whose URL is the first argument (default {@code http://127.0.0.1:8080}), tunes
 * {@link #train} over 50 trials on 4 threads, and prints the 5 best trials.
 */
public final class QuickStart {
    private static final BreastCancerModel MODEL = BreastCancerModel.load();

    private QuickStart() {
    }

    public static void main(String[] args) {
        try {
            String token = args.length > 1 ? args[1] : System.getenv("TUNELAB_TOKEN");
            if (token == null || token.isBlank()) {
                System.err.println("error: give a token with the write scope as the second argument or in TUNELAB_TOKEN "
                        + "(the admin token is in the server's data directory, tunelab-data/admin.token)");
                System.exit(2);
            }
            quickStart(args.length > 0 ? args[0] : "http://127.0.0.1:8080", token.strip());
        } catch (TunelabException e) {
            // The server's error code and message, such as DUPLICATE_NAME when mlp-lr exists.
            System.err.println("error: " + e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** The README's quick-start, unchanged (a test checks that the README shows this text). */
    static void quickStart(String serverUrl, String token) {
        try (TunelabClient client = TunelabClient.connect(serverUrl, token)) {  // token: a write token
            ExperimentHandle exp = client.launch(ExperimentSpec.builder("mlp-lr")
                    .minimize("loss")
                    .param("lr", FloatParam.log(1e-4, 1e-1))
                    .param("layers", IntParam.of(1, 4))
                    .param("optimizer", CategoricalParam.of("adam", "sgd"))
                    .param("momentum", FloatParam.of(0, 0.99).withWhen(Condition.of("optimizer", "sgd")))
                    .strategy("auto").trials(50)
                    .build());

            // The whole loop: ask → evaluate → tell, on 4 threads.
            exp.optimize(trial -> {
                double lr = trial.floatParam("lr");
                // define-by-run: a param the code adds while it runs
                int batch = trial.suggestInt("batch", 16, 256, true);
                double loss = 0;
                for (int epoch = 1; epoch <= 10; epoch++) {
                    loss = train(lr, batch, epoch);
                    if (trial.report(epoch, loss)) {     // the pruner asked to stop
                        throw trial.pruned();
                    }
                }
                return loss;
            }, 50, 4);

            exp.leaderboard(5).forEach(t -> System.out.println(t.number() + " " + t.values() + " " + t.params()));
        }
    }

    /**
     * The validation log-loss of a logistic regression for breast cancer after {@code epoch}
     * epochs of minibatch gradient descent with step size {@code lr}. Each call trains from
     * scratch, so concurrent trials share nothing; it reads only {@code lr} and {@code batch}
     * of the trial's params.
     */
    static double train(double lr, int batch, int epoch) {
        return MODEL.validationLoss(lr, batch, epoch);
    }
}
