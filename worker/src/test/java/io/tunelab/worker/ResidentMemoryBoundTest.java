package io.tunelab.worker;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResidentMemoryBoundTest {
    private final AtomicLong resident = new AtomicLong();
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final ResidentMemoryBound bound = new ResidentMemoryBound(1_000, resident::get, collections::incrementAndGet, now::get);

    @Test
    void collectsOnlyAboveItsBound() {
        resident.set(1_000);
        bound.check();
        assertThat(collections).hasValue(0);
        resident.set(1_001);
        bound.check();
        assertThat(collections).hasValue(1);
    }

    @Test
    void aProcessThatStaysAboveIsCollectedAtMostOncePerPause() {
        resident.set(5_000);
        bound.check();
        now.addAndGet(ResidentMemoryBound.INTERVAL.toNanos());
        bound.check();
        now.set(ResidentMemoryBound.PAUSE.toNanos() - 1);
        bound.check();
        assertThat(collections).hasValue(1);
        now.set(ResidentMemoryBound.PAUSE.toNanos());
        bound.check();
        assertThat(collections).hasValue(2);
    }

    @Test
    void aProcessStillGrowingAfterACollectionIsCollectedAgainWithoutWaiting() {
        resident.set(5_000);
        bound.check();
        now.addAndGet(ResidentMemoryBound.INTERVAL.toNanos());
        resident.set(5_000 + 1_000 / ResidentMemoryBound.GROWTH);
        bound.check();
        assertThat(collections).hasValue(1);
        resident.incrementAndGet();
        bound.check();
        assertThat(collections).hasValue(2);
    }

    @Test
    void aProcessBackBelowItsBoundIsCollectedAtOnceWhenItPassesItAgain() {
        resident.set(5_000);
        bound.check();
        resident.set(500);
        now.addAndGet(ResidentMemoryBound.INTERVAL.toNanos());
        bound.check();
        resident.set(5_000);
        now.addAndGet(ResidentMemoryBound.INTERVAL.toNanos());
        bound.check();
        assertThat(collections).hasValue(2);
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> new ResidentMemoryBound(0, resident::get, collections::incrementAndGet, now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void aPropertyThatIsNotASizeIsRefusedWithWhatWouldBeRight() {
        for (String bad : new String[] {"lots", "-5m", "0"}) {
            withBound(bad, () -> assertThatThrownBy(ResidentMemoryBound::fromProperty).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-D" + ResidentMemoryBound.PROPERTY + "=" + bad + " is not a size: give bytes with a unit, as 1400m or 2g"));
        }
        for (String small : new String[] {"1400", "255m"}) {
            withBound(small, () -> assertThatThrownBy(ResidentMemoryBound::fromProperty).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-D" + ResidentMemoryBound.PROPERTY + "=" + small + " is below 256m, less than a worker needs to "
                            + "train: give a size from 256m, as 1400m or 2g (a number without a unit is bytes)"));
        }
        withBound(null, () -> assertThat(ResidentMemoryBound.fromProperty()).isEmpty());
        withBound("2g", () -> assertThat(ResidentMemoryBound.fromProperty()).get().extracting(ResidentMemoryBound::bound)
                .isEqualTo(2L << 30));
    }

    /** Runs {@code check} with {@link ResidentMemoryBound#PROPERTY} set to {@code value} (cleared for null), then restores it. */
    static void withBound(String value, Runnable check) {
        String before = System.getProperty(ResidentMemoryBound.PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(ResidentMemoryBound.PROPERTY);
            } else {
                System.setProperty(ResidentMemoryBound.PROPERTY, value);
            }
            check.run();
        } finally {
            if (before == null) {
                System.clearProperty(ResidentMemoryBound.PROPERTY);
            } else {
                System.setProperty(ResidentMemoryBound.PROPERTY, before);
            }
        }
    }
}
