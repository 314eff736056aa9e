package io.tunelab.api;

import java.time.Instant;
import java.util.Map;

/** An intermediate metric value (or several) of a trial at a step, usually an epoch. */
public record Report(int step, Map<String, Double> values, Instant at) {
    public Report {
        values = values == null ? Map.of() : Map.copyOf(values);
    }
}
