package io.tunelab.worker.train;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.PreprocessingSpec;

import java.util.LinkedHashMap;
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
    public static final String RUNNER = "dl4j";
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
            throw TunelabException.invalidSpec("task.runner: this worker runs \"" + RUNNER + "\" tasks, not \"" + runner + "\"");
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
        var root = castCopy(task);
        if (params == null) {
            return root;
        }
        for (var e : params.entrySet()) {
            String name = e.getKey();
            String[] path = name.split("\\.");
            boolean known = path.length == 1 ? name.equals("metric")
                    : path.length == 2 && SECTIONS.contains(path[0])
                    || path.length == 3 && path[0].equals("dataset") && path[1].equals("validation");
            if (!known) {
                throw TunelabException.invalidSpec("param \"" + name + "\" does not name a task field; name params after the "
                        + "field they set, as model.units, preprocessing.scaling, training.learning_rate or metric");
            }
            Map<String, Object> at = root;
            for (int i = 0; i < path.length - 1; i++) {
                Object next = at.get(path[i]);
                Map<String, Object> child = next instanceof Map<?, ?> m ? castCopy(m) : new LinkedHashMap<>();
                at.put(path[i], child);
                at = child;
            }
            at.put(path[path.length - 1], e.getValue());
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Map<String, Object> castCopy(Map<?, ?> map) {
        var copy = new LinkedHashMap<String, Object>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v instanceof Map<?, ?> m ? castCopy(m) : v));
        return copy;
    }
}
