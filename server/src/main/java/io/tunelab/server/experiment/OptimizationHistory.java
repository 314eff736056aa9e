package io.tunelab.server.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The optimization history of an experiment's primary objective, in columns: for each ranked
 * trial in number order, its id, number, value and the best value so far. The JSON names the
 * columns in the singular ({@code trial}, {@code number}, {@code value}, {@code best}).
 */
public record OptimizationHistory(String metric, String direction,
                                  @JsonProperty("trial") List<Long> trials,
                                  @JsonProperty("number") List<Integer> numbers,
                                  @JsonProperty("value") List<Double> values,
                                  @JsonProperty("best") List<Double> best) {
    public OptimizationHistory {
        trials = List.copyOf(trials);
        numbers = List.copyOf(numbers);
        values = List.copyOf(values);
        best = List.copyOf(best);
    }
}
