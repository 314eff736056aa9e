package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A bound a trial's reported metric must keep for the trial to be <em>feasible</em>: its value
 * must lie in [{@code min}, {@code max}] (either bound may be left out). In a spec:
 * {@code constraints: [{metric: latency_ms, max: 20}, {metric: size_mb, min: 1, max: 50}]}. A
 * trial reports the metric among its values, beside its objectives.
 *
 * <p>A trial's {@link #violation} is the sum over the constraints of how far its value lies
 * outside its bounds; 0 means feasible. A finished trial without a finite value for a
 * constrained metric is infeasible with an infinite violation. Users who compute their own
 * constraint values (Optuna's {@code constraints_func}, feasible when every value is at most 0)
 * report each as a metric and constrain it with {@code max: 0}.
 *
 * <p>A constraint is a value; {@link #check} validates a spec's list of them, naming each bad
 * field by its place ({@code constraints[1].max}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Constraint(String metric, Double min, Double max) {
    /** The most constraints one experiment may have. */
    public static final int MAX_CONSTRAINTS = 32;

    public static Constraint atMost(String metric, double max) {
        return new Constraint(metric, null, max);
    }

    public static Constraint atLeast(String metric, double min) {
        return new Constraint(metric, min, null);
    }

    public static Constraint between(String metric, double min, double max) {
        return new Constraint(metric, min, max);
    }

    /** How far {@code value} lies outside this constraint's bounds: 0 inside, +∞ for NaN or ±∞. */
    public double violation(double value) {
        if (!Double.isFinite(value)) {
            return Double.POSITIVE_INFINITY;
        }
        if (min != null && value < min) {
            return min - value;
        }
        return max != null && value > max ? value - max : 0;
    }

    /**
     * The total violation of a trial's values: the sum over the constraints, +∞ when a
     * constrained metric is missing or not finite, 0 when feasible (or without constraints).
     */
    public static double violation(List<Constraint> constraints, Map<String, Double> values) {
        double sum = 0;
        for (Constraint c : constraints) {
            Double v = values.get(c.metric());
            sum += v == null ? Double.POSITIVE_INFINITY : c.violation(v);
        }
        return sum;
    }

    /**
     * What a trial's values break, for people: {@code "latency_ms 25.0 above max 20.0; size_mb not
     * reported"}; empty when they break nothing.
     */
    public static String describe(List<Constraint> constraints, Map<String, Double> values) {
        var out = new StringBuilder();
        for (Constraint c : constraints) {
            Double v = values.get(c.metric());
            String broken = v == null || !Double.isFinite(v) ? c.metric() + (v == null ? " not reported" : " is " + v)
                    : c.min() != null && v < c.min() ? c.metric() + " " + v + " below min " + c.min()
                    : c.max() != null && v > c.max() ? c.metric() + " " + v + " above max " + c.max() : null;
            if (broken != null) {
                out.append(out.isEmpty() ? "" : "; ").append(broken);
            }
        }
        return out.toString();
    }

    /**
     * Validates a spec's constraints against its objectives: each names a metric, has a min or
     * a max (finite, min ≤ max), constrains no objective and no metric twice, and there are at
     * most {@link #MAX_CONSTRAINTS}. Throws INVALID_SPEC naming {@code constraints[i].field}.
     */
    static List<Constraint> check(List<Constraint> constraints, List<Objective> objectives) {
        if (constraints == null) {
            return List.of();
        }
        if (constraints.size() > MAX_CONSTRAINTS) {
            throw TunelabException.invalidSpec("constraints has " + constraints.size() + " entries; at most "
                    + MAX_CONSTRAINTS + " are allowed");
        }
        var seen = new HashSet<String>();
        for (int i = 0; i < constraints.size(); i++) {
            Constraint c = constraints.get(i);
            String at = "constraints[" + i + "]";
            if (c == null) {
                throw TunelabException.invalidSpec(at + " is empty; give it as {metric: latency_ms, max: 20}");
            }
            if (c.metric() == null || c.metric().isBlank()) {
                throw TunelabException.invalidSpec(at + ".metric is required: the name of a metric the trials report, "
                        + "as {metric: latency_ms, max: 20}");
            }
            if (c.min() == null && c.max() == null) {
                throw TunelabException.invalidSpec(at + " (metric \"" + c.metric() + "\") needs min, max or both, "
                        + "as {metric: " + c.metric() + ", max: 20}");
            }
            finite(at + ".min", c.min());
            finite(at + ".max", c.max());
            if (c.min() != null && c.max() != null && c.min() > c.max()) {
                throw TunelabException.invalidSpec(at + ".min (" + c.min() + ") must not exceed " + at + ".max ("
                        + c.max() + ")");
            }
            for (Objective o : objectives) {
                if (o.metric().equals(c.metric())) {
                    throw TunelabException.invalidSpec(at + ".metric \"" + c.metric() + "\" is an objective; constrain "
                            + "another metric, or drop the objective");
                }
            }
            if (!seen.add(c.metric())) {
                throw TunelabException.invalidSpec(at + ".metric \"" + c.metric() + "\" is constrained twice; give its "
                        + "min and max in one constraint");
            }
        }
        return List.copyOf(constraints);
    }

    private static void finite(String field, Double bound) {
        if (bound != null && !Double.isFinite(bound)) {
            throw TunelabException.invalidSpec(field + " must be a finite number, got " + bound);
        }
    }
}
