package io.tunelab.experiments.quality.fake;

import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Creates a strategy that proposes x0 from the trial's number and x1 = seed (mod 15) and keeps every context it was shown. */
public final class Strategies {
    public static final List<ProposalContext> SHOWN = new ArrayList<>();

    private Strategies() {
    }

    public static SearchStrategy create(StrategySpec spec, SearchSpace space, List<Objective> objectives, long seed) {
        if (spec.name().equals("broken")) {
            throw new IllegalArgumentException("strategy \"broken\" is unknown");
        }
        return context -> {
            SHOWN.add(context);
            return Map.of("x0", (double) context.number() / 100 * 15 - 5, "x1", (double) (seed % 15));
        };
    }
}
