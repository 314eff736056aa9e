package io.tunelab.worker.train;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.PreprocessingSpec;
import io.tunelab.worker.runner.Runners;
import io.tunelab.worker.runner.TaskParams;

import java.util.List;
import java.util.Map;

/**
 * The typed form of an experiment's {@code task:} map for the dl4j runner, with a trial's
 * params applied: a param whose name is a dotted task path ({@code model.units},
 * {@code preprocessing.scaling}, {@code training.learning_rate}, {@code metric}) sets that
 * field for the trial. The schema is documented in worker/README.md.
 *
 * @param metric the metric early stopping watches and reports carry; null means the
 *               experiment's first objective
 */
public record TaskSpec(String runner, DatasetSpec dataset, PreprocessingSpec preprocessing, ModelSpec model,
                       TrainingSpec training, String metric) {
    public static final String RUNNER = Runners.DEFAULT;
    static final List<String> SECTIONS = List.of("dataset", "preprocessing", "model", "training");

    /** Parses a task with a trial's params laid over it; bad fields are INVALID_SPEC errors naming the path. */
    public static TaskSpec parse(Map<String, Object> task, Map<String, Object> params) {
        if (task == null) {
            throw TunelabException.invalidSpec("the experiment has no task, so a worker cannot run its trials");
        }
        var merged = withParams(task, params);
        // Options reads single values and maps; the shape is a list, so it is taken out and read apart.
        Object shape = merged.get("dataset") instanceof Map<?, ?> d ? castMap(d).remove("shape") : null;
        var s = Options.of("", merged);
        String runner = s.string("runner", RUNNER);
        if (!runner.equals(RUNNER)) {
            throw TunelabException.invalidSpec("task.runner: the " + RUNNER + " runner runs \"" + RUNNER + "\" tasks, not \"" + runner + "\"");
        }
        var spec = new TaskSpec(runner,
                DatasetSpec.parse(sectionOf(s, "dataset"), shape),
                PreprocessingSpec.parse(sectionOf(s, "preprocessing")),
                ModelSpec.parse(sectionOf(s, "model")),
                TrainingSpec.parse(sectionOf(s, "training")),
                s.string("metric", null));
        s.done();
        return spec;
    }

    /** The dataset section is required; the others may be absent. */
    private static Options sectionOf(Options task, String key) {
        if (key.equals("dataset") && !task.has(key)) {
            throw TunelabException.invalidSpec("task.dataset is required, as dataset: {name: digits}");
        }
        return task.section(key);
    }

    /** The task map with each param written at its dotted path. */
    static Map<String, Object> withParams(Map<String, Object> task, Map<String, Object> params) {
        return TaskParams.apply(task, params, SECTIONS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
