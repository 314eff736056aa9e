package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A tell: how the trial ended and with which values. With repetitions, {@code values} may be
 * left out: the server takes the mean of each metric over the repetitions. A worker adds its
 * lease id and the trial's provenance; a failed trial says why in {@code error}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialResult(
        TrialState state,
        Map<String, Double> values,
        List<Repetition> repetitions,
        String error,
        String leaseId,
        Map<String, Object> provenance) {

    public TrialResult {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        repetitions = repetitions == null ? List.of() : List.copyOf(repetitions);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }

    public static TrialResult complete(Map<String, Double> values) {
        return new TrialResult(TrialState.COMPLETE, values, null, null, null, null);
    }

    public static TrialResult pruned(Map<String, Double> values) {
        return new TrialResult(TrialState.PRUNED, values, null, null, null, null);
    }

    public static TrialResult failed(String error) {
        return new TrialResult(TrialState.FAILED, null, null, error, null, null);
    }

    public static TrialResult ofRepetitions(List<Repetition> repetitions) {
        return new TrialResult(TrialState.COMPLETE, null, repetitions, null, null, null);
    }
}
