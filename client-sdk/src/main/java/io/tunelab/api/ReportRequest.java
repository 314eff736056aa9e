package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** An intermediate report: the step and the metric values at it; a worker adds its lease id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportRequest(Integer step, Map<String, Double> values, String leaseId) {
    public ReportRequest {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    public static ReportRequest of(int step, Map<String, Double> values) {
        return new ReportRequest(step, values, null);
    }
}
