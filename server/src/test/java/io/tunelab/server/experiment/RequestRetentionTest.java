package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.StoredTrial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stored answers to request ids are kept for the request retention and then deleted, on real
 * H2 files with a clock the test moves: a retry inside the window is answered the same, also
 * after a restart; after it, an ask makes a new trial, a tell whose answer its trial's row keeps
 * is still answered, and a tell whose answer was stored apart (by the release before) is refused
 * saying that its id answers nothing; pruning deletes in batches of its own writes and never a trial.
 */
class RequestRetentionTest {
    private static final Duration DAY = Duration.ofHours(24);

    @TempDir
    Path dir;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T08:00:00Z"));
    private final InstantSource clock = now::get;
    private JdbcStorage storage;

    private ExperimentService open() {
        storage = JdbcStorage.openDataDirectory(dir);
        return Coordinator.open(storage, clock, Events.NONE, CoordinatorConfig.defaults(), null).experiments();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void later(Duration by) {
        now.set(now.get().plus(by));
    }

    @Test
    void aRetryInsideTheWindowIsAnsweredTheSameAfterARestartAndAfterItOnlyATellKeptInItsTrialsRowIs() {
        ExperimentService service = open();
        long experimentId = service.create(ExperimentSpec.builder("retained").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 5L, Map.of())).trials(10).build()).id();
        TrialProposal asked = service.ask("retained", false, "ask-1");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        Trial told = service.tell(asked.id(), result, null, "tell-1");

        later(Duration.ofHours(23));
        assertThat(new RequestRetention(storage, clock, DAY, RequestRetention.BATCH).prune()).as("both answers are younger than a day").isZero();
        storage.close();
        service = open();
        assertThat(service.ask("retained", false, "ask-1")).isEqualTo(asked);
        assertThat(service.tell(asked.id(), result, null, "tell-1")).isEqualTo(told);
        List<StoredTrial> trials = storage.trials(experimentId);
        assertThat(trials).hasSize(1);

        later(Duration.ofHours(2));
        assertThat(new RequestRetention(storage, clock, DAY, RequestRetention.BATCH).prune()).as("the ask's answer").isEqualTo(1);
        assertThat(storage.trials(experimentId)).as("pruning deletes answers, never a trial").isEqualTo(trials);
        assertThat(service.tell(asked.id(), result, null, "tell-1")).as("kept in the trial's row, which pruning leaves").isEqualTo(told);
        assertThat(storage.trials(experimentId)).isEqualTo(trials);
        assertThat(service.ask("retained", false, "ask-1").id()).as("an ask retried after the window is a new ask")
                .isNotEqualTo(asked.id());
    }

    @Test
    void aTellsAnswerStoredApartByTheReleaseBeforeIsPrunedAfterTheWindowAndItsRetryIsThenRefused() {
        ExperimentService service = open();
        long experimentId = service.create(ExperimentSpec.builder("retained").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 5L, Map.of())).trials(10).build()).id();
        TrialProposal asked = service.ask("retained");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        Trial told = service.tell(asked.id(), result);
        String kind = "tell:" + asked.id();
        storage.write(c -> c.putAnswer("tell-1", kind, Json.write(new Requests.StoredAnswer(kind, null, asked.id(), null)), now.get()));
        assertThat(service.tell(asked.id(), result, null, "tell-1")).as("inside the window").isEqualTo(told);

        later(DAY.plusHours(1));
        assertThat(new RequestRetention(storage, clock, DAY, RequestRetention.BATCH).prune()).isEqualTo(1);
        List<StoredTrial> trials = storage.trials(experimentId);
        ExperimentService afterWindow = service;
        for (var tell : List.<Runnable>of(() -> afterWindow.tell(asked.id(), result, null, "tell-1"),
                () -> afterWindow.tellThenAsk(asked.id(), result, null, "tell-1"))) {
            assertThatThrownBy(tell::run).isInstanceOfSatisfying(TunelabException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.TRIAL_FINISHED);
                assertThat(e.getMessage()).isEqualTo("trial " + asked.id() + " is COMPLETE already; finished trials never change; "
                        + "request id \"tell-1\" has no stored answer (a finished trial's row keeps the answer of the tell that "
                        + "finished it, under that tell's request id; other answers are kept for the server's "
                        + "--request-retention-hours), so this tell is not taken as a retry of the one that finished it");
                assertThat(e.details()).containsEntry("state", "COMPLETE");
            });
        }
        assertThat(storage.trials(experimentId)).as("the refused tells changed nothing").isEqualTo(trials);
    }

    @Test
    void oneWriteDeletesAtMostABatchAndAPassGoesOnUntilNoneIsLeft() {
        open();
        var counted = new FailingStorage(storage);
        storage.write(c -> {
            for (int i = 0; i < 5; i++) {
                c.putAnswer("old-" + i, "tell:1", "{}", now.get().plusSeconds(i));
            }
            c.putAnswer("young", "tell:1", "{}", now.get().plus(Duration.ofHours(2)));
        });
        later(DAY.plusHours(1));
        var retention = new RequestRetention(counted, clock, DAY, 2);

        assertThat(retention.prune()).isEqualTo(5);
        assertThat(counted.written()).as("2 + 2 + 1 rows, one write each").isEqualTo(3);
        assertThat(storage.answer("old-4")).isEmpty();
        assertThat(storage.answer("young")).as("stored less than a day ago").isPresent();
        assertThat(retention.prune()).isZero();
        assertThat(counted.written()).isEqualTo(4);
    }

    @Test
    void theRetentionIsFromOneHourToAYear() {
        assertThat(CoordinatorConfig.defaults().requestRetention()).isEqualTo(DAY);
        assertThat(CoordinatorConfig.defaults().withRequestRetentionHours(8760).requestRetention()).isEqualTo(Duration.ofDays(365));
        for (long hours : new long[]{0, -1, 8761}) {
            assertThatThrownBy(() -> CoordinatorConfig.defaults().withRequestRetentionHours(hours))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--request-retention-hours must be from 1 to 8760, got " + hours);
        }
        storage = JdbcStorage.openDataDirectory(dir);
        assertThatThrownBy(() -> new RequestRetention(storage, clock, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
