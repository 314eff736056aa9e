package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentState;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Stops an experiment whose workers cannot run its task at all, instead of letting it spend its
 * budget on failures: when its first {@value #TRIALS} or more finished trials all FAILED with the
 * same error and none finished otherwise, every further trial would fail the same way (a fixed
 * field of the task that is wrong, a runner or a file its workers lack), so it is STOPPED with that
 * error as the reason, as Ray Tune's {@code fail_fast} ends a run. Only experiments with a task,
 * whose trials workers run: an SDK caller decides itself what its failures mean. Errors that
 * differ (a configuration-dependent failure) never stop it. After a fix outside the spec (the data
 * put in place, a worker with the runner) a resumed experiment runs again; one that fails the same
 * way once more is stopped again. It is a step of its own after the tell that failed the trial,
 * re-checked under the experiment's lock, as completing an experiment is.
 */
final class FailingStart {
    private static final Logger LOG = LoggerFactory.getLogger(FailingStart.class);
    /** How many failures with one error, before anything else finished, stop the experiment. */
    static final int TRIALS = 3;
    /** The longest error the stop reason repeats. */
    private static final int SHOWN = 500;

    private final Journal journal;
    private final StorageClock clock;

    FailingStart(Journal journal, StorageClock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    /** After a step that may have failed a trial of {@code e}: stops {@code e} when it has failed from the start. */
    void stopIfFailing(LiveExperiment e) {
        if (reason(e) == null) {
            return;
        }
        journal.record(e, x -> {
            String reason = reason(x);
            if (reason == null) {
                return Journal.Entry.nothing(null);
            }
            LOG.warn("experiment {} stopped: {}", LogText.of(x.name()), LogText.of(reason));
            return Journal.Entry.none().experiment(x.row().withState(ExperimentState.STOPPED, clock.instant(), reason))
                    .answering(null);
        });
    }

    /** Why {@code e} should stop now, or null. */
    private static String reason(LiveExperiment e) {
        if (e.spec().task() == null || !e.isRunning() || e.count(TrialState.FAILED) < TRIALS
                || e.count(TrialState.COMPLETE) + e.count(TrialState.PRUNED) + e.count(TrialState.RACED_OUT) > 0) {
            return null;
        }
        List<Trial> failed = e.trialsIn(TrialState.FAILED);
        String error = failed.getFirst().error();
        if (error == null || error.isBlank() || !failed.stream().allMatch(t -> error.equals(t.error()))) {
            return null;
        }
        String shown = error.length() <= SHOWN ? error : error.substring(0, SHOWN) + "…";
        return "its first " + failed.size() + " trials all failed with the same error, so every trial would: " + shown
                + "; fix what it names (in a new experiment when it is a field of the task), then resume";
    }
}
