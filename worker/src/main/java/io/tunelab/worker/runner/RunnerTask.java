package io.tunelab.worker.runner;

import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;

import java.util.List;

/**
 * A checked task of one trial, ready to run. One instance per trial, used on one thread.
 */
public interface RunnerTask {
    /**
     * The data the worker prepares for the run (through its data sandbox and cache, with the
     * data-quality report sent once per experiment and the test split held out), or null when
     * the runner reads no dataset of its own; {@link RunContext#data()} is null then.
     */
    DatasetSpec dataset();

    /** The metric reports carry and early stopping watches; null means the experiment's first objective. */
    String metric();

    /**
     * The metrics a run reports on this data: every objective of the experiment must be one of
     * them, or the trial fails before it runs.
     */
    List<String> reportedMetrics(Dataset data);

    /**
     * Runs the repetitions {@link RunContext#repetitions()} names, reporting as it goes
     * ({@link RunContext#report}) and stopping when {@link RunContext#signal()} says so. A
     * complete run uploads its model ({@link RunContext#uploadModel}), by convention that of
     * the first repetition it ran.
     */
    RunOutcome run(RunContext context);

    /**
     * The finalization of the search's winner: fit on {@code refit.split().train()} (every row
     * outside the test split) without looking at the test rows, score once on
     * {@code refit.split().validation()} (the test rows), upload the refit model. The outcome's
     * single repetition holds the test values.
     */
    RunOutcome refit(RunContext context, Refit refit);

    /**
     * What a finalization fits on.
     *
     * @param epochs how long to train, for runners that train in epochs; null means the task's own
     */
    record Refit(io.tunelab.worker.data.Splits.Split split, Integer epochs, long seed) {
    }
}
