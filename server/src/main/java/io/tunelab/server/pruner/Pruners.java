package io.tunelab.server.pruner;

import io.tunelab.api.Options;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.TunelabException;

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
}
