package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.SpecChecks;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.util.Map;

/**
 * Why an experiment hands out no new trial now, in words, and the error an ask gets for it: the
 * experiment is not RUNNING, its budget is spent (or its discrete space is exhausted), it runs
 * {@code budget.parallel} trials already, or its stored space cannot be sampled. The caller holds
 * the experiment's monitor.
 */
final class Refusals {
    /** How the refusal of an experiment whose space cannot be sampled begins. */
    private static final String UNSAMPLEABLE = "no trial can be proposed for experiment ";

    private final StorageClock clock;

    Refusals(StorageClock clock) {
        this.clock = clock;
    }

    /** Why the experiment hands out no trial now, or null. */
    String refusal(LiveExperiment e) {
        return refusal(e, e.count(TrialState.RUNNING));
    }

    /**
     * Why a step that turns trial {@code before} into {@code after} is followed by no new trial of
     * the strategy: the experiment hands out none (as {@link #refusal}, with the place {@code after}
     * may free under {@code budget.parallel}), or a trial waits that an ask hands out first. Null
     * when a new trial is due.
     */
    String refusalAfter(LiveExperiment e, Trial before, Trial after) {
        if (e.spec().task() == null && e.count(TrialState.WAITING) - in(before, TrialState.WAITING) + in(after, TrialState.WAITING) > 0) {
            return "a trial waits to be handed out first";
        }
        return refusal(e, e.count(TrialState.RUNNING) - in(before, TrialState.RUNNING) + in(after, TrialState.RUNNING));
    }

    private static int in(Trial t, TrialState state) {
        return t.state() == state ? 1 : 0;
    }

    private String refusal(LiveExperiment e, int running) {
        if (!e.isRunning()) {
            return "experiment \"" + e.name() + "\" is " + e.row().state();
        }
        String spent = e.budgetSpent(clock.instant());
        if (spent != null) {
            return spent;
        }
        if (atParallelLimit(e, running)) {
            return "the experiment already runs " + e.spec().budget().parallel() + " trials at once (budget.parallel)";
        }
        return unsampleable(e);
    }

    /** Whether the experiment runs as many trials as {@code budget.parallel} allows, counting those being proposed. */
    static boolean atParallelLimit(LiveExperiment e) {
        return atParallelLimit(e, e.count(TrialState.RUNNING));
    }

    private static boolean atParallelLimit(LiveExperiment e, int running) {
        Integer parallel = e.spec().budget().parallel();
        return parallel != null && running + e.inFlight() >= parallel;
    }

    /**
     * Why the strategy cannot draw from the experiment's space: a spec stored before the checks
     * that refuse it now ({@link SpecChecks#samplingProblem}) proposed ±Infinity, NaN or values
     * below {@code low}. Null when it can.
     */
    private static String unsampleable(LiveExperiment e) {
        String problem = SpecChecks.samplingProblem(e.spec().space());
        return problem == null ? null : UNSAMPLEABLE + "\"" + SpecChecks.printable(e.name()) + "\": " + problem;
    }

    /** The error an ask gets for {@code refusal}, with its code and what to do about it. */
    static TunelabException error(LiveExperiment e, String refusal) {
        ExperimentState state = e.row().state();
        if (state != ExperimentState.RUNNING) {
            String hint = switch (state) {
                case PAUSED, STOPPED -> "; resume it first (tunelab sweep resume " + ShellWord.of(e.name()) + ")";
                case COMPLETED -> "; its budget is spent: resume it with more trials (tunelab sweep resume " + ShellWord.of(e.name()) + " --trials N)";
                default -> "";
            };
            // A spent budget may have completed the experiment just now: answer as any later ask would.
            return TunelabException.of(ErrorCode.EXPERIMENT_NOT_RUNNING, refusal + hint, Map.of("state", state.name()));
        }
        if (refusal.startsWith(UNSAMPLEABLE)) {
            return TunelabException.of(ErrorCode.INVALID_STATE, refusal + " (its spec was stored before this was checked); "
                    + "create a new experiment with the param fixed (a clone keeps the spec), warm_start.from can bring its trials");
        }
        if (refusal.contains("budget.parallel")) {
            return TunelabException.of(ErrorCode.PARALLEL_LIMIT, refusal + "; tell a result first");
        }
        return TunelabException.of(ErrorCode.BUDGET_EXHAUSTED, refusal.equals(e.exhausted()) ? refusal
                : refusal + "; resume with a larger budget to go on");
    }
}
