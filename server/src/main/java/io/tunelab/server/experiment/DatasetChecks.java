package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.TunelabException;

import java.util.Map;

/**
 * The shares of a task's data that every worker reads the same way, checked when an experiment
 * is created: {@code task.dataset.test} and {@code task.dataset.validation.holdout}, each a share
 * strictly between 0 and 1. Without this check such a spec was accepted, and its experiment
 * stopped only after its first trials had all failed on a worker saying the same. The rest of a
 * task (its runner's fields, the columns of its data) only a worker can check.
 */
final class DatasetChecks {
    private DatasetChecks() {
    }

    /** Refuses a test or hold-out share that is no number strictly between 0 and 1. */
    static void check(ExperimentSpec spec) {
        if (spec.task() == null || !(spec.task().get("dataset") instanceof Map<?, ?> dataset)) {
            return;
        }
        share(dataset, "test", "task.dataset.test");
        if (dataset.get("validation") instanceof Map<?, ?> validation) {
            share(validation, "holdout", "task.dataset.validation.holdout");
        }
    }

    private static void share(Map<?, ?> section, String key, String field) {
        if (!section.containsKey(key)) {
            return;
        }
        Object value = section.get(key);
        if (!(value instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() < 1)) {
            throw TunelabException.invalidSpec(field + " must be a share of the rows between 0 and 1 (exclusive), as 0.2; got "
                    + (value instanceof String ? "\"" + value + "\"" : value));
        }
    }
}
