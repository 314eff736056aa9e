package io.tunelab.server.experiment;

import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * A test's coordinator on real H2 files in its own directory, on the system clock, with no lease
 * reaper running (the test reaps by hand, if at all); {@link #close} and {@link #open} again is a
 * restart.
 */
abstract class CoordinatorOnH2Files {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, InstantSource.system(), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)), null);
    }

    @AfterEach
    void close() {
        storage.close();
    }
}
