package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * The winner of an experiment refit and scored once on held-out rows: trial {@code trialId}
 * (number {@code number}) was chosen by its {@code selection} score (the statistics of the
 * primary metric over its repetitions, which picked it and are therefore optimistic); a
 * worker retrains its configuration on every row outside the task's test split for
 * {@code epochs} epochs (the mean best epoch over its repetitions; null means the task's
 * configured epochs), and {@code test} holds the metric values on the test split. SDK users
 * record {@code test} themselves. {@code state} is WAITING for a worker, RUNNING, COMPLETE or
 * FAILED (with {@code error}); {@code attempts} counts the leases of it that expired. {@code note}
 * warns about the choice: when the experiment has constraints and no trial keeps them, it names
 * the refit trial as the one that breaks them least. {@code modelSha256} and {@code modelBytes}
 * describe the refit model the worker uploaded, kept with the finalization (the winner trial's
 * own model stays as the search stored it); both are absent until there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finalization(
        long trialId,
        int number,
        TrialState state,
        Statistics selection,
        Integer epochs,
        Map<String, Double> test,
        String worker,
        String error,
        int attempts,
        Instant requested,
        Instant finished,
        String note,
        String modelSha256,
        Long modelBytes) {

    public Finalization {
        if (state == null || state == TrialState.PRUNED) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a finalization is WAITING, RUNNING, COMPLETE or FAILED, got " + state);
        }
        test = test == null ? null : Map.copyOf(test);
    }

    /** A finalization without a note. */
    public Finalization(long trialId, int number, TrialState state, Statistics selection, Integer epochs, Map<String, Double> test,
                        String worker, String error, int attempts, Instant requested, Instant finished) {
        this(trialId, number, state, selection, epochs, test, worker, error, attempts, requested, finished, null);
    }

    /** A finalization without a refit model. */
    public Finalization(long trialId, int number, TrialState state, Statistics selection, Integer epochs, Map<String, Double> test,
                        String worker, String error, int attempts, Instant requested, Instant finished, String note) {
        this(trialId, number, state, selection, epochs, test, worker, error, attempts, requested, finished, note, null, null);
    }

    /** This finalization in another state, by another worker. */
    public Finalization with(TrialState state, String worker, int attempts) {
        return new Finalization(trialId, number, state, selection, epochs, test, worker, error, attempts, requested, finished, note,
                modelSha256, modelBytes);
    }

    /** This finalization with the refit model of {@code bytes} bytes and SHA-256 {@code sha256} (lower-case hex). */
    public Finalization withModel(String sha256, long bytes) {
        return new Finalization(trialId, number, state, selection, epochs, test, worker, error, attempts, requested, finished, note,
                sha256, bytes);
    }

    /** This finalization ended: COMPLETE with test values, or FAILED with an error. */
    public Finalization ended(Map<String, Double> test, String error, Instant at) {
        return new Finalization(trialId, number, test != null ? TrialState.COMPLETE : TrialState.FAILED, selection, epochs, test,
                worker, error, attempts, requested, at, note, modelSha256, modelBytes);
    }
}
