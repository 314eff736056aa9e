package io.tunelab.server.analysis;

import io.tunelab.api.ParamImportance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportanceCacheTest {
    private final AtomicInteger computed = new AtomicInteger();

    private ParamImportance compute(int trials) {
        computed.incrementAndGet();
        return new ParamImportance("e", 0, "loss", "fanova", trials, Map.of(), List.of(), List.of(), null);
    }

    @Test
    void theSameCountOfFinishedTrialsIsAnsweredWithoutComputingAgain() {
        var cache = new ImportanceCache(4);

        ParamImportance first = cache.get(1, 0, 10, () -> compute(10));
        ParamImportance again = cache.get(1, 0, 10, () -> compute(10));

        assertThat(again).isSameAs(first);
        assertThat(computed).hasValue(1);
    }

    @Test
    void anotherCountAnotherObjectiveOrAnotherExperimentComputes() {
        var cache = new ImportanceCache(4);
        cache.get(1, 0, 10, () -> compute(10));

        assertThat(cache.get(1, 0, 11, () -> compute(11)).trials()).isEqualTo(11);
        cache.get(1, 1, 11, () -> compute(11));
        cache.get(2, 0, 11, () -> compute(11));

        assertThat(computed).hasValue(4);
    }

    @Test
    void theLeastRecentlyAskedIsDroppedBeyondTheCapacity() {
        var cache = new ImportanceCache(2);
        cache.get(1, 0, 5, () -> compute(5));
        cache.get(2, 0, 5, () -> compute(5));
        cache.get(1, 0, 5, () -> compute(5));
        cache.get(3, 0, 5, () -> compute(5));

        cache.get(1, 0, 5, () -> compute(5));
        assertThat(computed).hasValue(3);
        cache.get(2, 0, 5, () -> compute(5));
        assertThat(computed).hasValue(4);
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new ImportanceCache(0)).hasMessageContaining("capacity must be 1 or more, got 0");
    }
}
