package io.tunelab.server.pruner;

import io.tunelab.api.Direction;
import io.tunelab.api.Trial;

import java.util.List;

/**
 * What a pruner looks at: the metric it watches and its direction, the trial being decided
 * (its reports include the one just made, at {@code step}), and the experiment's other trials
 * with their reports. {@code seed} makes bracket assignment (Hyperband) reproducible.
 */
public record PruneContext(String metric, Direction direction, Trial trial, int step, List<Trial> others, long seed) {
    public PruneContext {
        others = List.copyOf(others);
    }
}
