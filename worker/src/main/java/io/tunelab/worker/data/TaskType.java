package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.util.Locale;

/** What the target is: class labels, or a number to predict. */
public enum TaskType {
    CLASSIFICATION, REGRESSION;

    public static TaskType parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw TunelabException.invalidSpec("dataset.type: \"" + text + "\" is not a task type; use classification or regression");
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
