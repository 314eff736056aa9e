package io.tunelab.worker.runner;

import io.tunelab.api.Repetition;

import java.util.List;
import java.util.Map;

/**
 * What became of a run.
 *
 * @param repetitions     the repetitions with their final values (complete runs only)
 * @param lastReport      the values of the last report (what a pruned trial is told with)
 * @param trainingSeconds the seconds the runner spent fitting and evaluating; the rest of the
 *                        trial's time is the worker's overhead
 */
public record RunOutcome(Status status, List<Repetition> repetitions, Map<String, Double> lastReport, double trainingSeconds) {
    /** Complete, stopped by a PRUNE answer, or abandoned (lease lost, worker stopping). */
    public enum Status { COMPLETE, PRUNED, CANCELLED }

    public RunOutcome {
        repetitions = List.copyOf(repetitions);
        lastReport = Map.copyOf(lastReport);
    }
}
