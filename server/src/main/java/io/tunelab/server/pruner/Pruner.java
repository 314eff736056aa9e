package io.tunelab.server.pruner;

import io.tunelab.api.Decision;

/**
 * Decides, on one intermediate report, whether the trial goes on or is pruned.
 *
 * <p>Contract: the decision is a function of the {@link PruneContext} alone, so it can be
 * re-derived from storage. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Pruner {
    Decision decide(PruneContext context);

    /** The pruner that never prunes. */
    Pruner NONE = context -> Decision.CONTINUE;
}
