package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Whether an objective's metric is better small or large. */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    @JsonCreator
    public static Direction parse(String text) {
        if (text != null) {
            for (Direction d : values()) {
                if (d.name().equalsIgnoreCase(text.trim())) {
                    return d;
                }
            }
        }
        throw TunelabException.invalidSpec("direction must be minimize or maximize, got " + text);
    }

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return this == MINIMIZE ? a < b : a > b;
    }

    /** The value turned into a loss: smaller is better. */
    public double asLoss(double value) {
        return this == MINIMIZE ? value : -value;
    }
}
