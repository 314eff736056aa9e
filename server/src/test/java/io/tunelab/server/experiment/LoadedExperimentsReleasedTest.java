package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentState;
import io.tunelab.server.storage.StoredExperiment;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** An evicted experiment is remembered only while someone may still hold it. */
class LoadedExperimentsReleasedTest {
    private static LiveExperiment experiment(long id) {
        Instant now = Instant.parse("2026-12-05T00:00:00Z");
        var row = new StoredExperiment(id, "e" + id, ExperimentState.RUNNING, ExperimentServiceTest.spec("e" + id).build(), 1L,
                now, now, null, 0, null, null, null);
        return new LiveExperiment(row, null, null);
    }

    @Test
    void anEvictedExperimentOnceCollectedIsForgottenByTheNextLookOverWhatIsInMemory() throws InterruptedException {
        var loaded = new LoadedExperiments(1, Long.MAX_VALUE, () -> 0L, e -> false, e -> { });
        WeakReference<LiveExperiment> first = put(loaded, 1);
        put(loaded, 2);
        assertThat(loaded.releasedCount()).as("the first, evicted by the bound, may still be held").isEqualTo(1);
        assertThat(loaded.reachable()).hasSize(2);

        for (int i = 0; i < 50 && first.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(first.get()).as("nothing holds the evicted experiment").isNull();

        assertThat(loaded.reachable()).extracting(LiveExperiment::id).containsExactly(2L);
        assertThat(loaded.releasedCount()).as("forgotten once collected").isZero();
        assertThat(loaded.get(1)).isNull();
    }

    private static WeakReference<LiveExperiment> put(LoadedExperiments loaded, long id) {
        LiveExperiment e = experiment(id);
        loaded.put(e);
        loaded.bound(id);
        return new WeakReference<>(e);
    }
}
