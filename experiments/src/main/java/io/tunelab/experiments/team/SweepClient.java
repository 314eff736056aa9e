package io.tunelab.experiments.team;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An SDK client as its own process, for the team's end-to-end test: asks and tells one
 * experiment (params {@code x} and {@code y}, metric {@code loss}) through several coordinators'
 * URLs until its budget is spent, and appends each result the server acknowledged to a file as
 * {@code TRIAL_ID LOSS}, so that whoever started it can check that each was stored once.
 * A tell the server did not acknowledge is left to its lease's expiry.
 *
 * <pre>SweepClient URLS EXPERIMENT ACKNOWLEDGED_FILE [EVALUATION_MS]</pre>
 * {@code EVALUATION_MS} (default 0) is how long each evaluation takes, as a model's training would:
 * it keeps the sweep going long enough for a coordinator to be killed in the middle of it.
 * The token comes from {@code TUNELAB_TOKEN} (a token with the {@code write} scope). Exits 0
 * once the experiment is COMPLETED.
 */
public final class SweepClient {
    private SweepClient() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: SweepClient URLS EXPERIMENT ACKNOWLEDGED_FILE [EVALUATION_MS], with TUNELAB_TOKEN set; got "
                    + args.length + " arguments");
            System.exit(2);
        }
        long evaluationMillis = args.length == 4 ? Long.parseLong(args[3]) : 0;
        String token = System.getenv("TUNELAB_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("SweepClient: set TUNELAB_TOKEN to a token with the write scope");
            System.exit(2);
        }
        try (var client = TunelabClient.connect(args[0], token.strip());
             var acknowledged = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            int told = run(client, args[1], acknowledged, evaluationMillis);
            System.out.println("SweepClient: " + told + " results acknowledged; " + args[1] + " is COMPLETED");
        }
    }

    /** Asks, evaluates and tells until the experiment completes; answers how many tells were acknowledged. */
    static int run(TunelabClient client, String experiment, PrintWriter acknowledged, long evaluationMillis) {
        int told = 0;
        while (true) {
            TrialProposal p;
            try {
                p = client.ask(experiment);
            } catch (TunelabException.Unavailable e) {
                pause();
                continue;
            } catch (TunelabException e) {
                // The budget is asked out: done once every trial is told (a trial whose tell was
                // lost waits for the next ask when its lease expires).
                if (client.describe(experiment).state() == ExperimentState.COMPLETED) {
                    return told;
                }
                pause();
                continue;
            }
            double x = ((Number) p.params().get("x")).doubleValue();
            double y = ((Number) p.params().get("y")).doubleValue();
            double loss = (x - 0.3) * (x - 0.3) + y * y;
            sleep(evaluationMillis);
            try {
                client.result(p.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", loss), null, null, p.leaseId(), null));
            } catch (TunelabException e) {
                System.out.println("SweepClient: the tell of trial " + p.id() + " was not acknowledged: " + e.code() + ": " + e.getMessage());
                continue;
            }
            acknowledged.println(p.id() + " " + loss);
            acknowledged.flush();
            told++;
        }
    }

    private static void pause() {
        sleep(100);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
