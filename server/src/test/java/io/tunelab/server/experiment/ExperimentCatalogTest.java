package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Renames, labels and deletes in process: concurrent changes all land, a failed write changes nothing, a delete is final. */
class ExperimentCatalogTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    FailingStorage failing;
    Coordinator coordinator;
    ExperimentCatalog catalog;
    ExperimentService service;

    @BeforeEach
    void open() {
        start();
        service.create(ExperimentSpec.builder("one").minimize("loss").param("x", FloatParam.of(0, 1)).build(), "ci");
    }

    private void start() {
        storage = JdbcStorage.openDataDirectory(dir);
        failing = new FailingStorage(storage);
        coordinator = Coordinator.open(failing, () -> Instant.parse("2026-01-01T00:00:00Z"), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        catalog = coordinator.catalog();
        service = coordinator.experiments();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void concurrentTagChangesAllLand() throws Exception {
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String tag = "t" + i;
                done.add(pool.submit(() -> catalog.update("one", ExperimentPatch.tagging(List.of(tag), null), "ci")));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(coordinator.queries().experiment("one").summary().labels().tags()).hasSize(24);
    }

    @Test
    void aFailedWriteRenamesAndLabelsNothing() {
        failing.failNextWrite();
        assertThatThrownBy(() -> catalog.update("one", new ExperimentPatch("two", List.of("a"), null, null, "n", true), "ci"))
                .hasMessageContaining("the disk is full");
        var e = coordinator.queries().experiment("one");
        assertThat(e.name()).isEqualTo("one");
        assertThat(e.summary().labels().tags()).isEmpty();
        assertThat(e.summary().labels().archived()).isFalse();
        assertThatThrownBy(() -> coordinator.queries().experiment("two")).isInstanceOf(TunelabException.NotFound.class);
        // The name "two" is still free.
        service.create(ExperimentSpec.builder("two").minimize("loss").param("x", FloatParam.of(0, 1)).build(), "ci");
    }

    @Test
    void aFailedDeleteKeepsEverythingAndADeleteIsFinalForEveryCall() throws Exception {
        long trial = service.ask("one").id();
        Path file = dir.resolve("a.bin");
        Files.write(file, new byte[]{1});
        coordinator.artifacts().put(trial, "a.bin", null, true, "ci", file);
        service.stop("one");
        failing.failNextWrite();
        assertThatThrownBy(() -> catalog.delete("one", "ci")).hasMessageContaining("the disk is full");
        assertThat(coordinator.artifacts().list(trial)).hasSize(1);
        catalog.delete("one", "ci");
        assertThatThrownBy(() -> service.tell(trial, TrialResult.complete(Map.of("loss", 0.1))))
                .isInstanceOf(TunelabException.NotFound.class);
        assertThatThrownBy(() -> coordinator.artifacts().list(trial)).isInstanceOf(TunelabException.NotFound.class);
        assertThatThrownBy(() -> catalog.update("one", ExperimentPatch.archive(true), "ci")).isInstanceOf(TunelabException.NotFound.class);
        assertThat(storage.experiments()).isEmpty();
        assertThat(storage.artifacts(trial)).isEmpty();
    }

    @Test
    void theIdsOfADeletedExperimentAreNeverHandedOutAgainAfterARestart() {
        long experiment = service.create(ExperimentSpec.builder("two").minimize("loss").param("x", FloatParam.of(0, 1)).build(), "ci").id();
        long lastTrial = 0;
        for (int i = 0; i < 3; i++) {
            lastTrial = service.ask("two").id();
        }
        service.stop("two");
        catalog.delete("two", "ci");
        storage.close();
        start();

        long next = service.create(ExperimentSpec.builder("three").minimize("loss").param("x", FloatParam.of(0, 1)).build(), "ci").id();
        assertThat(next).as("a link to the deleted experiment never names another one").isGreaterThan(experiment);
        assertThat(service.ask("three").id()).as("nor a link to its trials another trial").isGreaterThan(lastTrial);
    }
}
