package io.tunelab.server.analysis;

import io.tunelab.api.ParamImportance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
    void whileOneComputationRunsTheSameCountWaitsForItAndAnotherCountIsNeverAnsweredWithIt() throws Exception {
        var cache = new ImportanceCache(4);
        cache.get(1, 0, 10, () -> compute(10));
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ParamImportance> first = executor.submit(() -> cache.get(1, 0, 11, slow(11, started, release)));
            started.await();

            assertThat(cache.get(1, 0, 12, () -> compute(12)).trials()).as("its own count, never the previous answer").isEqualTo(12);
            var waited = new AtomicReference<ParamImportance>();
            Thread waiting = Thread.ofPlatform().start(() -> waited.set(cache.get(1, 0, 11, () -> compute(11))));
            while (waiting.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            release.countDown();
            waiting.join();

            assertThat(first.get().trials()).isEqualTo(11);
            assertThat(waited.get().trials()).as("the running computation's, for the same count").isEqualTo(11);
        }
        assertThat(computed).as("10, 12 and 11 once each").hasValue(3);
        assertThat(cache.get(1, 0, 12, () -> compute(99)).trials()).as("the larger count stays cached").isEqualTo(12);
        assertThat(computed).hasValue(3);
    }

    private Supplier<ParamImportance> slow(int trials, CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            await(release);
            return compute(trials);
        };
    }

    @Test
    void aFailedComputationFailsItsCallerAndTheNextOneComputesAgain() {
        var cache = new ImportanceCache(4);
        assertThatThrownBy(() -> cache.get(1, 0, 3, () -> {
            throw new IllegalStateException("broken");
        })).hasMessage("broken");

        assertThat(cache.get(1, 0, 3, () -> compute(3)).trials()).isEqualTo(3);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new ImportanceCache(0)).hasMessageContaining("capacity must be 1 or more, got 0");
    }
}
