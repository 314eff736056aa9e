package io.tunelab.server.strategy;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import io.tunelab.api.TunelabException;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every point of a discrete space once, in an order shuffled by the experiment seed. Trial
 * number n starts at the n-th point of that order and takes the first point not in the history,
 * so a resumed experiment never re-proposes a point in any state (waiting, running, complete,
 * pruned or failed) and concurrent asks start apart. Learns nothing from results.
 * Constraints change nothing here: it proposes the same points with or without them.
 */
public final class GridSearch implements SearchStrategy {
    private final List<Map<String, Object>> points;
    private final int[] order;

    GridSearch(SearchSpace space, long seed) {
        this.points = Configurations.enumerate(space);
        this.order = shuffled(points.size(), seed);
    }

    /** The number of points in the grid. */
    public int size() {
        return points.size();
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        var rng = new SplittableRandom(Seeds.mix(seed));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public Map<String, Object> propose(ProposalContext context) {
        var seen = Configurations.seen(context);
        int n = points.size();
        for (int i = 0; i < n; i++) {
            var point = points.get(order[(context.number() + i) % n]);
            if (!seen.contains(point)) {
                return point;
            }
        }
        throw TunelabException.of(ErrorCode.BUDGET_EXHAUSTED,
                "all " + n + " grid points have been proposed; widen the space to go on");
    }
}
