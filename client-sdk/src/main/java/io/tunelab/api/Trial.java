package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One configuration and what became of it. {@code values} are the metric values of the
 * result (the mean over repetitions when there are several); {@code statistics} summarise
 * the repetitions per metric; {@code reports} are the intermediate values, by step;
 * {@code toldBy} names the token that told the result (null until told, or when told in-process).
 * {@code rank} is where a complete trial stands on its experiment's significance-aware
 * leaderboard and {@code finalization} its refit and held-out test score when it won;
 * {@code feasibility} whether a finished trial keeps its experiment's constraints (null without
 * constraints). The API fills these in when it shows the trial, they are not part of the trial's row.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Trial(
        long id,
        long experimentId,
        int number,
        Map<String, Object> params,
        TrialState state,
        Map<String, Double> values,
        List<Repetition> repetitions,
        Map<String, Statistics> statistics,
        List<Report> reports,
        Instant created,
        Instant started,
        Instant finished,
        String worker,
        String error,
        Map<String, Object> provenance,
        String toldBy,
        RankedTrial rank,
        Finalization finalization,
        Feasibility feasibility) {

    public Trial {
        params = ParamMap.of(params);
        values = values == null ? Map.of() : Map.copyOf(values);
        repetitions = repetitions == null ? List.of() : List.copyOf(repetitions);
        statistics = statistics == null ? Map.of() : Map.copyOf(statistics);
        reports = reports == null ? List.of() : List.copyOf(reports);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }

    /** A trial without a rank or a finalization, as it is stored. */
    public Trial(long id, long experimentId, int number, Map<String, Object> params, TrialState state,
                 Map<String, Double> values, List<Repetition> repetitions, Map<String, Statistics> statistics,
                 List<Report> reports, Instant created, Instant started, Instant finished, String worker, String error,
                 Map<String, Object> provenance, String toldBy) {
        this(id, experimentId, number, params, state, values, repetitions, statistics, reports, created, started, finished,
                worker, error, provenance, toldBy, null, null, null);
    }

    /** This trial as seen on a leaderboard: with its rank, or without one when {@code rank} is null. */
    public Trial withRank(RankedTrial rank) {
        return new Trial(id, experimentId, number, params, state, values, repetitions, statistics, reports, created, started,
                finished, worker, error, provenance, toldBy, rank, finalization, feasibility);
    }

    /** This trial with its finalization (refit and test score), or without one when null. */
    public Trial withFinalization(Finalization finalization) {
        return new Trial(id, experimentId, number, params, state, values, repetitions, statistics, reports, created, started,
                finished, worker, error, provenance, toldBy, rank, finalization, feasibility);
    }

    /** This trial with whether it keeps its experiment's constraints, or without that when null. */
    public Trial withFeasibility(Feasibility feasibility) {
        return new Trial(id, experimentId, number, params, state, values, repetitions, statistics, reports, created, started,
                finished, worker, error, provenance, toldBy, rank, finalization, feasibility);
    }

    /** The value of a metric, or null when the trial has none. */
    public Double value(String metric) {
        return values.get(metric);
    }

    /** Wall time from start to finish in seconds, or null while not finished. */
    public Double durationSeconds() {
        return started == null || finished == null ? null : (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0;
    }
}
