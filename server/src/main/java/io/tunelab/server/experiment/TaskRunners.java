package io.tunelab.server.experiment;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Param;
import io.tunelab.api.TunelabException;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which worker runners an experiment's trials need: the choices of a {@code runner} param when
 * the space searches the runner, else {@code task.runner}, else {@code dl4j}. A worker leases
 * an experiment only when it has every one of them. The server cannot know which runners
 * exist (workers load their own), so a name no worker has is accepted and waits for a worker
 * that has it; a worker that gets a task it has no runner for fails the trial naming
 * {@code task.runner}.
 */
final class TaskRunners {
    static final String DEFAULT = "dl4j";
    /** The param that searches the runner. */
    static final String PARAM = "runner";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    private TaskRunners() {
    }

    /** The runners an experiment's trials may need; empty when it has no task. */
    static Set<String> of(ExperimentSpec spec) {
        Map<String, Object> task = spec.task();
        if (task == null) {
            return Set.of();
        }
        var names = new LinkedHashSet<String>();
        if (spec.space().get(PARAM) instanceof CategoricalParam c) {
            c.choices().forEach(v -> names.add(v.toString()));
        } else {
            Object runner = task.get(PARAM);
            names.add(runner == null ? DEFAULT : runner.toString());
        }
        return names;
    }

    /** Refuses a runner that is no runner name, and a searched runner that is not a categorical param. */
    static void check(ExperimentSpec spec) {
        if (spec.task() == null) {
            return;
        }
        Param searched = spec.space().get(PARAM);
        if (searched != null && !(searched instanceof CategoricalParam)) {
            throw TunelabException.invalidSpec("param \"runner\" searches task.runner, so it must be categorical, as "
                    + "{type: categorical, choices: [dl4j, tribuo]}");
        }
        for (String name : of(spec)) {
            if (!NAME.matcher(name).matches()) {
                throw TunelabException.invalidSpec((searched != null ? "param \"runner\": choice" : "task.runner") + " \"" + name
                        + "\" is not a runner name: 1 to 40 lower-case letters, digits, _ or -, starting with a letter, "
                        + "as dl4j or tribuo");
            }
        }
    }
}
