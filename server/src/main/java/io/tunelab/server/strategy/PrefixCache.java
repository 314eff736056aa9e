package io.tunelab.server.strategy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Remembers the state a strategy reached by folding a list of finished trials (in trial-number
 * order), so the next proposal folds in only the trials finished since. A state is reused only
 * when the trials it consumed are a prefix of the current list (same seed, same dimension), so
 * the result always equals a fresh rebuild from the whole history; a trial that completes out
 * of order simply forces the rebuild. Thread-safe: the cached state is copied on the way in and
 * out, so concurrent proposals never share a mutable state.
 *
 * @param <S> the folded state
 */
final class PrefixCache<S> {
    /** A folded state and what it consumed. */
    record Entry<S>(long seed, int dimension, int[] consumed, S state) {
    }

    private final AtomicReference<Entry<S>> entry = new AtomicReference<>();
    private final UnaryOperator<S> copy;

    /** @param copy makes an independent copy of a state (identity for immutable states) */
    PrefixCache(UnaryOperator<S> copy) {
        this.copy = copy;
    }

    /** The cached entry if its consumed trials are a prefix of {@code numbers}, else null. */
    Entry<S> lookup(long seed, int dimension, int[] numbers) {
        var e = entry.get();
        if (e == null || e.seed != seed || e.dimension != dimension || e.consumed.length > numbers.length
                || !Arrays.equals(e.consumed, 0, e.consumed.length, numbers, 0, e.consumed.length)) {
            return null;
        }
        return new Entry<>(seed, dimension, e.consumed, copy.apply(e.state));
    }

    void store(long seed, int dimension, int[] consumed, S state) {
        entry.set(new Entry<>(seed, dimension, consumed, copy.apply(state)));
    }
}
