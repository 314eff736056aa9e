package io.tunelab.server.experiment;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

/**
 * The coordinator's clock: the given clock's time at the precision storage keeps
 * (microseconds), so a trial reads the same before and after a restart. Thread-safe when the
 * given clock is.
 */
final class StorageClock implements InstantSource {
    private final InstantSource clock;

    StorageClock(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Instant instant() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
