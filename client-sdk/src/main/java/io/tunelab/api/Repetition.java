package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** One evaluation of a trial's configuration: a seed, or a cross-validation fold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Repetition(Integer index, Long seed, Map<String, Double> values) {
    public Repetition {
        values = values == null ? Map.of() : Map.copyOf(values);
    }

    public static Repetition of(Map<String, Double> values) {
        return new Repetition(null, null, values);
    }
}
