package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * A trial's score on held-out test rows, told once after the search: the metric {@code values},
 * or for a worker's failed refit the {@code error}; a worker adds the {@code leaseId} of its
 * finalization lease. SDK users who evaluate their own best configuration send only values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestResult(Map<String, Double> values, String error, String leaseId) {
    public TestResult {
        values = values == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    public static TestResult of(Map<String, Double> values) {
        return new TestResult(values, null, null);
    }
}
