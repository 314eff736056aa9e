package io.tunelab.server.strategy;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The median of the values added so far, kept in two heaps (the lower half and the upper half)
 * so each addition costs O(log n): what {@link ProgressShares} measures a gain against while it
 * replays a history.
 */
final class RunningMedian {
    private final PriorityQueue<Double> lower = new PriorityQueue<>(Comparator.reverseOrder());
    private final PriorityQueue<Double> upper = new PriorityQueue<>();

    void add(double value) {
        if (lower.isEmpty() || value <= lower.peek()) {
            lower.add(value);
        } else {
            upper.add(value);
        }
        if (lower.size() > upper.size() + 1) {
            upper.add(lower.poll());
        } else if (upper.size() > lower.size()) {
            lower.add(upper.poll());
        }
    }

    boolean isEmpty() {
        return lower.isEmpty();
    }

    /** The middle value, the lower of the two middle ones for an even count; NaN when empty. */
    double median() {
        return lower.isEmpty() ? Double.NaN : lower.peek();
    }
}
