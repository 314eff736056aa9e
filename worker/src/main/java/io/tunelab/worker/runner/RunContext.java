package io.tunelab.worker.runner;

import io.tunelab.api.Direction;
import io.tunelab.api.Objective;
import io.tunelab.worker.data.DataSandbox;
import io.tunelab.worker.data.Dataset;

import java.util.List;
import java.util.Map;

/**
 * What the worker gives a runner for one leased unit. Thread-safe: a runner may report from
 * any thread.
 */
public interface RunContext {
    /** The prepared data (rows outside the test split for the search), or null when the task names none. */
    Dataset data();

    /** Which files a runner reading data of its own may open ({@code --data-root}, {@code --max-data-mb}). */
    DataSandbox sandbox();

    /** The experiment's objectives. */
    List<Objective> objectives();

    /** The metric reports carry: the task's {@code metric}, else the first objective's. */
    String metric();

    /** Whether {@link #metric()} is better higher or lower. */
    Direction direction();

    /** The experiment seed: the same for every trial. */
    long seed();

    /** The repetitions to run in this unit, with their seeds and splits; never empty. */
    List<RepetitionPlan> repetitions();

    /** The task with the trial's params laid over it, to save with the model. */
    Map<String, Object> savedTask();

    /**
     * Sends a report: values at a step (an epoch, a tree count), usually the mean over the
     * repetitions of the metric. Returns at once; a PRUNE answer shows in {@link #signal()}.
     */
    void report(int step, Map<String, Double> values);

    /** Whether to go on; check it between steps. */
    Signal signal();

    /** Adds an entry to the trial's provenance (seeds, fitted preprocessing, library versions). */
    void provenance(String key, Object value);

    /** Uploads the trial's model file (at most one per unit; a later one replaces it). */
    void uploadModel(byte[] model);

    /** The content of an artifact of any trial of the experiment (a parent's checkpoint), read from the server. */
    byte[] artifact(long trialId, String name);

    /** Uploads an artifact of this trial under its lease (a later one of the same name replaces it). */
    void uploadArtifact(String name, byte[] content);
}
