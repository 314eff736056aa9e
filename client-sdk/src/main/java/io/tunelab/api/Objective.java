package io.tunelab.api;

/** A metric name and whether it is minimized or maximized. */
public record Objective(String metric, Direction direction) {
    public Objective {
        if (metric == null || metric.isBlank()) {
            throw TunelabException.invalidSpec("objective needs a metric name, as {metric: loss, direction: minimize}");
        }
        if (direction == null) {
            direction = Direction.MINIMIZE;
        }
    }

    public static Objective minimize(String metric) {
        return new Objective(metric, Direction.MINIMIZE);
    }

    public static Objective maximize(String metric) {
        return new Objective(metric, Direction.MAXIMIZE);
    }
}
