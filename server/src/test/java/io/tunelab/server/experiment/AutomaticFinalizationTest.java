package io.tunelab.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finalization that completing an experiment starts is recorded in a step of its own after
 * the completing tell: a stop (or a failed write) between the two must neither fail that tell nor
 * leave the experiment without a finalization for good.
 */
class AutomaticFinalizationTest {
    @TempDir
    Path dir;
    FailingStorage storage;
    Coordinator coordinator;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @AfterEach
    void close() {
        storage.close();
    }

    private void open() {
        storage = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        coordinator = Coordinator.open(storage, () -> now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
    }

    private static ExperimentSpec heldOut() {
        return ExperimentSpec.builder("held-out").maximize("accuracy").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 3L, Map.of())).trials(2)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build();
    }

    @Test
    void aCompletionNotRecordedAfterTheLastTellIsRecordedByTheNextAskAndStartsTheFinalization() {
        open();
        long winner = tellUpToTheLast(0.96);
        // The completing tell's own write passes; completing the experiment after it fails, as a stop would lose it.
        storage.failWriteAfter(1);
        var told = coordinator.experiments().tell(winner, TrialResult.complete(Map.of("accuracy", 0.96)));
        assertThat(told.state()).as("the stored tell is answered, not failed by the step after it").isEqualTo(TrialState.COMPLETE);

        storage.close();
        open();
        assertThatThrownBy(() -> coordinator.experiments().ask("held-out")).isInstanceOf(TunelabException.class)
                .hasMessageContaining("budget is spent");
        assertThat(coordinator.finalizations().of("held-out").trialId()).isEqualTo(winner);
        assertThat(storage.finalization(told.experimentId())).as("stored for the workers").isPresent();
    }

    @Test
    void aFinalizationNotRecordedAtCompletionIsRecordedWhenItIsReadAfterARestart() {
        open();
        long winner = tellUpToTheLast(0.96);
        // The tell and the completion are stored; the finalization's write after them fails.
        storage.failWriteAfter(2);
        var told = coordinator.experiments().tell(winner, TrialResult.complete(Map.of("accuracy", 0.96)));
        assertThat(told.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(storage.finalization(told.experimentId())).as("nothing recorded yet").isEmpty();

        storage.close();
        open();
        var f = coordinator.finalizations().of("held-out");
        assertThat(f.trialId()).isEqualTo(winner);
        assertThat(f.state()).isEqualTo(TrialState.WAITING);
        assertThat(storage.finalization(told.experimentId())).as("stored, for the workers and the next start").isPresent();
        assertThat(coordinator.finalizations().of("held-out").trialId()).as("the same one when read again").isEqualTo(winner);
    }

    /** Creates the experiment, tells its first trial and asks its last one (the winner-to-be). */
    private long tellUpToTheLast(double last) {
        ExperimentService service = coordinator.experiments();
        service.create(heldOut());
        service.tell(service.ask("held-out").id(), TrialResult.complete(Map.of("accuracy", last - 0.05)));
        return service.ask("held-out").id();
    }
}
