package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.experiment.ShellWord;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What {@code tunelab sweep run}, {@code sweep resume} and {@code demo} show while an experiment
 * runs: a progress line until it is COMPLETED, STOPPED or PAUSED, then its leaderboard (and the
 * winner's finalization). A server that stops answering (restarted, or briefly out of reach) is
 * waited for: the experiment and its workers go on without this command, so watching goes on
 * when the server is back; after {@link #WAIT} without an answer the command gives up, exit 1,
 * saying how to look again. An experiment that ends without a complete trial ends the command with
 * exit 2 ({@link #ended}).
 */
final class Progress {
    /** How long a server may stay silent before watching gives up. */
    static final Duration WAIT = Duration.ofMinutes(5);

    private Progress() {
    }

    static int follow(TunelabClient client, ExperimentHandle handle, PrintStream out) {
        return follow(client, handle, out, System.err, WAIT);
    }

    /**
     * Shows progress on {@code out} until the experiment is no longer RUNNING, then the
     * leaderboard; waits up to {@code wait} for a silent server, then says so on {@code err}.
     */
    static int follow(TunelabClient client, ExperimentHandle handle, PrintStream out, PrintStream err, Duration wait) {
        boolean tty = System.console() != null;
        String last = "";
        long lastPrint = 0;
        try {
            while (true) {
                Experiment e = info(handle, out, err, wait);
                if (e == null) {
                    return 1;
                }
                String line = Console.progress(e.summary());
                long now = System.currentTimeMillis();
                if (tty) {
                    out.print("\r" + line + "   ");
                    out.flush();
                } else if (!line.equals(last) && now - lastPrint > 2000) {
                    out.println(line);
                    lastPrint = now;
                }
                last = line;
                if (e.state() != ExperimentState.RUNNING) {
                    out.println(tty ? "" : line);
                    var finalized = e.state() == ExperimentState.COMPLETED && FinalizeCommand.hasTestSplit(e)
                            ? FinalizeCommand.await(client, e, out) : null;
                    Console.leaderboard(out, e, handle.leaderboard(10));
                    if (finalized != null) {
                        out.println(Console.finalization(e, finalized));
                    }
                    return ended(e, err);
                }
                Thread.sleep(tty ? 250 : 500);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * The exit status of a watch that saw {@code e} end: 2 when it ended STOPPED or COMPLETED
     * without a complete trial (no result: unusable data, or every trial failed or was pruned),
     * saying so on {@code err}, so a script that runs a sweep does not take it for a success; else
     * 0 (a PAUSED experiment goes on when resumed).
     */
    static int ended(Experiment e, PrintStream err) {
        if (e.state() == ExperimentState.PAUSED || e.summary().count(TrialState.COMPLETE) > 0) {
            return 0;
        }
        err.println("error: experiment " + e.name() + " ended " + e.state() + " without a complete trial, so it has no result; "
                + (e.summary().stopReason() != null ? "fix what its stop reason above names"
                : "each trial's error is in tunelab export " + ShellWord.of(e.name()) + "; fix what they name")
                + ", then run it again with tunelab sweep resume " + ShellWord.of(e.name()) + " --trials N");
        return 2;
    }

    /** The experiment as the server has it now, waiting up to {@code wait} for a server that does not answer; null when it never did. */
    private static Experiment info(ExperimentHandle handle, PrintStream out, PrintStream err, Duration wait)
            throws InterruptedException {
        Experiment e = answered(handle::info, out, wait);
        if (e == null) {
            err.println("error: the server has not answered for " + minutes(wait) + "; the experiment is stored "
                    + "there: once it is back, watch it with tunelab leaderboard " + ShellWord.of(handle.name()));
        }
        return e;
    }

    /**
     * What {@code call} answers, sent again every second while the server does not answer (saying
     * so on {@code out} once, and again when it answers); null when it has not answered for {@code wait}.
     */
    static <T> T answered(Supplier<T> call, PrintStream out, Duration wait) throws InterruptedException {
        long deadline = 0;
        while (true) {
            try {
                T answer = call.get();
                if (deadline != 0) {
                    out.println("the server answers again");
                }
                return answer;
            } catch (TunelabException.Unavailable e) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + wait.toNanos();
                    out.println();
                    out.println("the server does not answer: " + e.getMessage() + "; waiting up to " + minutes(wait)
                            + " for it (the experiment and its workers go on without this command; Ctrl-C stops watching)");
                } else if (now - deadline > 0) {
                    return null;
                }
                Thread.sleep(1000);
            }
        }
    }

    static String minutes(Duration wait) {
        return wait.toMinutes() >= 1 ? wait.toMinutes() + " minute" + (wait.toMinutes() == 1 ? "" : "s") : wait.toSeconds() + " s";
    }
}
