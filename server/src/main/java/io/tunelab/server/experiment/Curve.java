package io.tunelab.server.experiment;

import io.tunelab.api.TrialState;

import java.util.List;

/** The values one trial reported for a metric, by step: an intermediate-value curve. */
public record Curve(long trial, int number, TrialState state, String metric, List<Integer> steps, List<Double> values) {
    public Curve {
        steps = List.copyOf(steps);
        values = List.copyOf(values);
    }
}
