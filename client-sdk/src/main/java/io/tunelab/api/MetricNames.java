package io.tunelab.api;

import java.util.Map;

/**
 * What may name a metric (an objective's, a constraint's, or one a report, a repetition or a
 * test score carries) and how many one set of values may hold: every metric name is kept in
 * memory with each trial that reports it and written to the database with each report, so both
 * are bounded. The bounds follow what tracking servers allow for a metric key (250 characters).
 */
public final class MetricNames {
    /** The longest metric name, in characters. */
    public static final int MAX_LENGTH = 250;
    /** The most metrics one report, repetition, result or test score may carry. */
    public static final int MAX_PER_VALUES = 256;

    private MetricNames() {
    }

    /** Why {@code name} cannot name a metric, as the end of a sentence, or null when it can. */
    public static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "is empty; a metric needs a name, as loss or val_accuracy";
        }
        if (name.length() > MAX_LENGTH) {
            return "is " + name.length() + " characters long; a metric name has at most " + MAX_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            // A loop, not a stream: every tell checks each of its metrics' names.
            if (Character.isISOControl(name.charAt(i))) {
                return "holds a control character; a metric name is printable text, as loss or val_accuracy";
            }
        }
        return null;
    }

    /**
     * Refuses (INVALID_VALUE) values with more metrics than {@link #MAX_PER_VALUES} or a name
     * {@link #problem} refuses; {@code where} names them in the message ({@code values},
     * {@code repetitions[2].values}).
     */
    public static void check(Map<String, ?> values, String where) {
        if (values.size() > MAX_PER_VALUES) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, where + " holds " + values.size() + " metrics; at most "
                    + MAX_PER_VALUES + " are allowed in one set of values");
        }
        for (String name : values.keySet()) {
            String problem = problem(name);
            if (problem != null) {
                throw TunelabException.of(ErrorCode.INVALID_VALUE, "a metric name in " + where + " " + problem
                        + (name == null || name.length() > 40 ? "" : " (got \"" + SpecChecks.printable(name) + "\")"));
            }
        }
    }
}
