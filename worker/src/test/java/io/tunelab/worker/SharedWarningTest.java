package io.tunelab.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The slots of a worker that fail together are warned of once; another failure, or the same one later, again. */
class SharedWarningTest {
    private static final long MS = 1_000_000;

    @Test
    void identicalWarningsOfSeveralSlotsAtOnceAreLoggedOnce() {
        var warning = new SharedWarning();

        assertThat(warning.first("cannot lease: refused; retrying in 500 ms", 0)).isTrue();
        assertThat(warning.first("cannot lease: refused; retrying in 500 ms", 2 * MS)).as("the second slot, 2 ms later").isFalse();
        assertThat(warning.first("cannot lease: refused; retrying in 500 ms", 3 * MS)).isFalse();
    }

    @Test
    void aDifferentWarningOrTheSameOneAWindowLaterIsLoggedAgain() {
        var warning = new SharedWarning();
        long window = SharedWarning.WINDOW.toNanos();

        assertThat(warning.first("retrying in 500 ms", 0)).isTrue();
        assertThat(warning.first("retrying in 1000 ms", 500 * MS)).as("the next backoff step").isTrue();
        assertThat(warning.first("retrying in 1000 ms", 500 * MS + 1)).isFalse();
        assertThat(warning.first("retrying in 1000 ms", 500 * MS + window)).as("a backoff at its longest, a round later").isTrue();
        assertThat(warning.first("retrying in 500 ms", 500 * MS + window + 1)).as("back to an earlier message").isTrue();
    }
}
