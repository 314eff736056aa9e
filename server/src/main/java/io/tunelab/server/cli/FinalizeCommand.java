package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.Finalization;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tunelab finalize NAME}: asks a worker to refit the experiment's winner on every row
 * outside the task's test split and score it once on that split; with {@code --wait} it waits
 * for the test score and prints it beside the selection score.
 */
@Command(name = "finalize", mixinStandardHelpOptions = true,
        description = "Refits an experiment's winner on all non-test rows and scores it once on the held-out test split.")
final class FinalizeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the experiment's name or id")
    String name;
    @Option(names = "--wait", description = "wait until a worker has told the test score, then print it")
    boolean await;
    @CommandLine.Mixin
    ServerOption server;

    @Override
    public Integer call() {
        Reference.experiment(name);
        try (TunelabClient client = server.connect()) {
            Experiment e = client.describe(name);
            Finalization f = client.finalizeWinner(name);
            System.out.println("finalization of " + e.name() + " #" + f.number() + ": " + f.state()
                    + (f.epochs() == null ? "" : " (" + f.epochs() + " epochs, the mean best epoch of its repetitions)"));
            if (await) {
                f = awaitFinalization(client, name);
            }
            System.out.println(Console.finalization(e, f));
            return f.state() == TrialState.FAILED ? 1 : 0;
        }
    }

    /** Whether an experiment's task holds out a test split, so finishing it finalizes its winner. */
    static boolean hasTestSplit(Experiment e) {
        return e.spec().task() != null && e.spec().task().get("dataset") instanceof Map<?, ?> d && d.get("test") != null;
    }

    /** Waits until the experiment's finalization is COMPLETE or FAILED (asked for by the server on completion). */
    static Finalization awaitFinalization(TunelabClient client, String name) {
        return awaitFinalization(client, name, System.out, Progress.WAIT);
    }

    /**
     * The finalization once a worker has told its test score (or failed); a server that stops
     * answering meanwhile is waited for up to {@code wait}, then the wait ends with UNAVAILABLE.
     */
    static Finalization awaitFinalization(TunelabClient client, String name, PrintStream out, Duration wait) {
        try {
            while (true) {
                Optional<Finalization> f = Progress.answered(() -> finalization(client, name), out, wait);
                if (f == null) {
                    throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server has not answered for " + Progress.minutes(wait)
                            + "; the finalization goes on there: once it is back, see its test score with tunelab leaderboard " + name);
                }
                if (f.isPresent() && (f.get().state() == TrialState.COMPLETE || f.get().state() == TrialState.FAILED)) {
                    return f.get();
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "interrupted while waiting for the finalization of " + name);
        }
    }

    /** The finalization as the server has it now; empty while completion has not yet asked for it (two writes, the second at once). */
    private static Optional<Finalization> finalization(TunelabClient client, String name) {
        try {
            return Optional.of(client.finalization(name));
        } catch (TunelabException.NotFound e) {
            return Optional.empty();
        }
    }

    /**
     * After a sweep whose task has a test split: says so, and waits for the finalized winner; null,
     * saying why, when no trial completed (no winner, so no finalization will come).
     */
    static Finalization await(TunelabClient client, Experiment e, PrintStream out) {
        if (e.summary().count(TrialState.COMPLETE) == 0) {
            out.println("No trial completed, so there is no winner to refit and score on the held-out test split.");
            return null;
        }
        out.println("Finalizing the winner: refit on all non-test rows, scored once on the held-out test split...");
        return awaitFinalization(client, e.name(), out, Progress.WAIT);
    }
}
