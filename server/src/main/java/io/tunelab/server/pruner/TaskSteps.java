package io.tunelab.server.pruner;

import io.tunelab.api.ExperimentSpec;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A trial's last step as the spec says it, where it does: a task for the built-in {@code dl4j}
 * runner reports once per epoch, from 1 to {@code task.training.epochs}. Unknown (empty) without a
 * task, for any other runner or a searched one (the server cannot know what another runner calls a
 * step), when {@code training.epochs} is searched, under {@code pbt} (whose steps count epochs
 * along a lineage), and when {@code training.epochs} is not a whole number (the worker refuses it).
 */
final class TaskSteps {
    /** The built-in runner whose steps are epochs. */
    static final String EPOCH_RUNNER = "dl4j";
    /** Where the spec gives the epochs, as messages name it. */
    static final String EPOCHS = "task.training.epochs";

    private TaskSteps() {
    }

    static OptionalInt last(ExperimentSpec spec) {
        Map<String, Object> task = spec.task();
        if (task == null || spec.strategy().name().equals("pbt") || spec.space().get("runner") != null
                || spec.space().get("training.epochs") != null) {
            return OptionalInt.empty();
        }
        Object runner = task.get("runner");
        if (runner != null && !EPOCH_RUNNER.equals(runner.toString().strip())) {
            return OptionalInt.empty();
        }
        if (!(task.get("training") instanceof Map<?, ?> training)) {
            return OptionalInt.empty();
        }
        Object epochs = training.get("epochs");
        double v;
        try {
            v = epochs instanceof Number n ? n.doubleValue() : epochs == null ? Double.NaN : Double.parseDouble(epochs.toString().strip());
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
        return v == Math.rint(v) && v >= 1 && v <= AshaPruner.RESOURCE_LIMIT ? OptionalInt.of((int) v) : OptionalInt.empty();
    }
}
