package io.tunelab.worker.runner;

import io.tunelab.api.TunelabException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trial's params laid over its task: a param whose name is a dotted task path
 * ({@code model.units}, {@code preprocessing.scaling}, {@code dataset.validation.holdout},
 * {@code metric}, {@code runner}) sets that field for the trial.
 */
public final class TaskParams {
    /** The top-level task fields a param may set directly. */
    public static final List<String> FIELDS = List.of("metric", "runner");

    private TaskParams() {
    }

    /**
     * The task map with each param written at its dotted path; {@code sections} are the task
     * sections a param may set a field of (as {@code model} for {@code model.units}).
     */
    public static Map<String, Object> apply(Map<String, Object> task, Map<String, Object> params, List<String> sections) {
        var root = copy(task);
        if (params == null) {
            return root;
        }
        for (var e : params.entrySet()) {
            String name = e.getKey();
            String[] path = name.split("\\.");
            boolean known = path.length == 1 ? FIELDS.contains(name)
                    : path.length == 2 && sections.contains(path[0])
                    || path.length == 3 && path[0].equals("dataset") && path[1].equals("validation");
            if (!known) {
                throw TunelabException.invalidSpec("param \"" + name + "\" does not name a task field; name params after the "
                        + "field they set, as " + String.join(", ", sections.stream().map(s -> s + ".…").toList())
                        + ", metric or runner");
            }
            Map<String, Object> at = root;
            for (int i = 0; i < path.length - 1; i++) {
                Object next = at.get(path[i]);
                Map<String, Object> child = next instanceof Map<?, ?> m ? copy(m) : new LinkedHashMap<>();
                at.put(path[i], child);
                at = child;
            }
            at.put(path[path.length - 1], e.getValue());
        }
        return root;
    }

    /** The runner a trial's task names: a {@code runner} param, else {@code task.runner}, else {@code dl4j}. */
    public static String runnerOf(Map<String, Object> task, Map<String, Object> params) {
        Object runner = params != null && params.get("runner") != null ? params.get("runner")
                : task != null ? task.get("runner") : null;
        return runner == null ? Runners.DEFAULT : runner.toString();
    }

    /** A deep copy with string keys. */
    public static Map<String, Object> copy(Map<?, ?> map) {
        var copy = new LinkedHashMap<String, Object>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v instanceof Map<?, ?> m ? copy(m) : v));
        return copy;
    }
}
