package io.tunelab.server.pruner;

import io.tunelab.api.PrunerSpec;
import io.tunelab.api.TunelabException;
import io.tunelab.server.strategy.Options;

import java.util.List;

/** The pruners by name: validates a {@link PrunerSpec}'s options and builds the pruner. */
public final class Pruners {
    /** Every pruner name the server knows. */
    public static final List<String> NAMES = List.of("none", "median", "asha", "hyperband");

    private Pruners() {
    }

    public static Pruner create(PrunerSpec spec) {
        String owner = "pruner \"" + spec.name() + "\"";
        return switch (spec.name()) {
            case "none" -> {
                Options.of(owner, spec.options()).done();
                yield Pruner.NONE;
            }
            case "median" -> MedianPruner.of(Options.of(owner, spec.options()));
            case "asha" -> AshaPruner.of(Options.of(owner, spec.options()));
            case "hyperband" -> HyperbandPruner.of(Options.of(owner, spec.options()));
            default -> throw TunelabException.invalidSpec("unknown pruner \"" + spec.name() + "\"; allowed pruners: "
                    + String.join(", ", NAMES));
        };
    }
}
