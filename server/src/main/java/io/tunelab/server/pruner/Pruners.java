package io.tunelab.server.pruner;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Options;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.TunelabException;

import java.util.LinkedHashMap;
import java.util.List;

/** The pruners by name: validates a {@link PrunerSpec}'s options and builds the pruner. */
public final class Pruners {
    /** Every pruner name the server knows. */
    public static final List<String> NAMES = List.of("none", "median", "asha", "hyperband");

    private Pruners() {
    }

    public static Pruner create(PrunerSpec spec) {
        var options = Options.of("pruner.options", spec.options());
        return switch (spec.name()) {
            case "none" -> {
                options.done();
                yield Pruner.NONE;
            }
            case "median" -> MedianPruner.of(options);
            case "asha" -> AshaPruner.of(options);
            case "hyperband" -> HyperbandPruner.of(options);
            default -> throw TunelabException.invalidSpec("unknown pruner \"" + spec.name() + "\"; allowed pruners: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * A new experiment's spec with the pruner options it takes from the rest of the spec written
     * in, so that the stored spec says them and an experiment resumes with the options it was
     * created with: {@code asha} without {@code max_resource} gets a trial's last step when the
     * task says it ({@link TaskSteps}). A task whose last step is not above asha's first rung is
     * refused: that rung would be the only one, at the last step, and nothing would be pruned.
     */
    public static ExperimentSpec withDefaults(ExperimentSpec spec) {
        PrunerSpec pruner = spec.pruner();
        if (!pruner.name().equals("asha") || pruner.options().get(AshaPruner.MAX_RESOURCE) != null) {
            return spec;
        }
        var last = TaskSteps.last(spec);
        if (last.isEmpty()) {
            return spec;
        }
        long first = AshaPruner.of(Options.of("pruner.options", pruner.options())).firstRung();
        if (last.getAsInt() <= first) {
            throw TunelabException.invalidSpec(TaskSteps.EPOCHS + " (" + last.getAsInt() + ") is a trial's last step and must be "
                    + "above asha's first rung, min_resource · reduction_factor^min_early_stopping_rate = " + first
                    + ": a rung at or past the last step is never judged, so nothing would ever be pruned; "
                    + "lower pruner.options.min_resource, or use pruner none");
        }
        var options = new LinkedHashMap<>(pruner.options());
        options.put(AshaPruner.MAX_RESOURCE, last.getAsInt());
        return spec.withPruner(new PrunerSpec(pruner.name(), options));
    }
}
