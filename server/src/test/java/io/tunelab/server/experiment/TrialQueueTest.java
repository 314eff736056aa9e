package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enqueued configurations: handed out first by every kind of ask, checked against the space, stored, counted. */
class TrialQueueTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    TrialQueue queue;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, () -> now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        queue = coordinator.queue();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static ExperimentSpec.Builder spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .param("optimizer", CategoricalParam.of("sgd", "adam"))
                .param("momentum", FloatParam.of(0, 0.99).withWhen(Condition.of("optimizer", "sgd")))
                .param("layers", IntParam.of(1, 4))
                .strategy(new StrategySpec("tpe", 5L, Map.of()));
    }

    private static Map<String, Object> params(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> adam(double x, int layers) {
        return params("x", x, "optimizer", "adam", "layers", layers);
    }

    @Test
    void queuedConfigurationsGoFirstInOrderToEveryKindOfAsk() {
        service.create(spec("q").trials(20).build());
        for (int i = 1; i <= 5; i++) {
            queue.enqueue("q", adam(i / 10.0, 1), "alice");
        }
        assertThat(queue.queued("q")).extracting(t -> t.params().get("x")).containsExactly(0.1, 0.2, 0.3, 0.4, 0.5);

        TrialProposal plain = service.ask("q");
        TrialProposal leased = service.ask("q", true);
        List<TrialProposal> batch = service.ask("q", 2, false);
        var next = service.tellThenAsk(plain.id(), TrialResult.complete(Map.of("loss", 1.0)), null, (String) null).next();
        assertThat(List.of(plain, leased, batch.get(0), batch.get(1), next)).extracting(p -> p.params().get("x"))
                .containsExactly(0.1, 0.2, 0.3, 0.4, 0.5);
        assertThat(leased.leaseId()).isNotNull();
        assertThat(queue.queued("q")).isEmpty();

        TrialProposal proposed = service.ask("q");
        assertThat(proposed.number()).isEqualTo(5);
        assertThat(coordinator.queries().trial(proposed.id()).provenance()).doesNotContainKey(TrialQueue.ENQUEUED);
        assertThat(coordinator.queries().trial(plain.id()).provenance()).containsEntry(TrialQueue.ENQUEUED, true);
    }

    @Test
    void anEnqueuedTrialWhoseLeaseExpiresOrIsReleasedIsQueuedAgainAcrossARestart() {
        service.create(spec("lost").trials(10).build());
        Trial enqueued = queue.enqueue("lost", adam(0.3, 2), "alice");
        TrialProposal leased = service.ask("lost", true);
        assertThat(leased.id()).isEqualTo(enqueued.id());
        assertThat(queue.queued("lost")).isEmpty();

        now = now.plus(Duration.ofSeconds(31)); // the lease was 30 s
        assertThat(coordinator.leases().reapExpiredLeases()).isEqualTo(1);

        Trial waiting = coordinator.queries().trial(enqueued.id());
        assertThat(waiting.state()).isEqualTo(TrialState.WAITING);
        assertThat(waiting.provenance()).containsEntry(TrialQueue.ENQUEUED, true);
        assertThat(waiting.started()).isNull();
        assertThat(queue.queued("lost")).extracting(Trial::id).containsExactly(enqueued.id());

        storage.close();
        open();
        assertThat(coordinator.queries().trial(enqueued.id()).provenance()).containsEntry(TrialQueue.ENQUEUED, true);
        assertThat(queue.queued("lost")).extracting(Trial::id).containsExactly(enqueued.id());

        TrialProposal again = service.ask("lost", true);
        assertThat(again.id()).isEqualTo(enqueued.id());
        assertThat(again.params()).isEqualTo(enqueued.params());
        coordinator.leases().release(again.id(), again.leaseId());
        assertThat(queue.queued("lost")).extracting(Trial::id).as("a released lease too").containsExactly(enqueued.id());
        TrialProposal last = service.ask("lost");
        service.tell(last.id(), TrialResult.complete(Map.of("loss", 0.2)));
        Trial done = coordinator.queries().trial(enqueued.id());
        assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(done.provenance()).containsEntry(TrialQueue.ENQUEUED, true);
        assertThat(queue.queued("lost")).isEmpty();
    }

    @Test
    void paramsLeftOutAreFilledFromTheStrategyAndFollowTheConditions() {
        service.create(spec("partial").build());
        Trial sgd = queue.enqueue("partial", params("optimizer", "sgd"), null);
        assertThat(sgd.params()).containsKeys("x", "optimizer", "momentum", "layers").containsEntry("optimizer", "sgd");
        Trial adam = queue.enqueue("partial", params("optimizer", "adam", "layers", 3), null);
        assertThat(adam.params()).containsOnlyKeys("x", "optimizer", "layers").containsEntry("layers", 3);
        assertThat(adam.state()).isEqualTo(TrialState.WAITING);
        assertThat(service.ask("partial").params()).isEqualTo(sgd.params());
    }

    @Test
    void aConfigurationTheExperimentHasAlreadyIsHandedOutAgainWhenEnqueued() {
        service.create(spec("again").build());
        TrialProposal first = service.ask("again");
        service.tell(first.id(), TrialResult.complete(Map.of("loss", 0.5)));
        queue.enqueue("again", first.params(), null);
        assertThat(service.ask("again").params()).isEqualTo(first.params());
    }

    @Test
    void paramsThatDoNotFitTheSpaceAreRefusedAndNothingIsStored() {
        service.create(spec("bad").build());
        record Case(Map<String, Object> params, String says) {
        }
        for (Case c : List.of(
                new Case(params("lr", 0.1), "param \"lr\" is not in the search space; its params are [x, optimizer, momentum, layers]"),
                new Case(params("x", "high"), "param \"x\": expected a number in [0.0, 1.0], got high"),
                new Case(params("x", 1.5), "param \"x\": 1.5 is outside [0.0, 1.0]"),
                new Case(params("layers", 2.5), "param \"layers\": expected an integer in [1, 4], got 2.5"),
                new Case(params("optimizer", "adamw"), "param \"optimizer\": adamw is not one of [sgd, adam]"),
                new Case(params("optimizer", "adam", "momentum", 0.9), "param \"momentum\" is inactive for these values: it applies only when {\"optimizer\":\"sgd\"}"))) {
            assertThatThrownBy(() -> queue.enqueue("bad", c.params(), null)).as(c.says())
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                    .hasMessageContaining(c.says());
        }
        assertThatThrownBy(() -> queue.enqueue("bad", null, null)).hasMessageContaining("{\"params\": {\"lr\": 0.01}}");
        assertThat(coordinator.queries().experiment("bad").summary().trials()).isEmpty();
        assertThat(service.ask("bad").number()).as("no number was used up").isZero();
    }

    @Test
    void aStoppedOrCompletedExperimentRefusesAndAPausedOneKeepsTheQueueForItsResume() {
        service.create(spec("stopped").build());
        service.stop("stopped");
        assertThatThrownBy(() -> queue.enqueue("stopped", adam(0.5, 1), null))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
                .hasMessageContaining("is STOPPED; enqueue into a RUNNING or PAUSED experiment");

        service.create(spec("done").trials(1).build());
        service.tell(service.ask("done").id(), TrialResult.complete(Map.of("loss", 1.0)));
        assertThatThrownBy(() -> queue.enqueue("done", adam(0.5, 1), null)).hasMessageContaining("is COMPLETED")
                .hasMessageContaining("--trials N");

        service.create(spec("paused").build());
        service.pause("paused");
        queue.enqueue("paused", adam(0.25, 2), null);
        service.resume("paused", null);
        assertThat(service.ask("paused").params()).isEqualTo(adam(0.25, 2));
    }

    @Test
    void enqueuedTrialsCountTowardTheTrialBudget() {
        service.create(spec("budget").budget(new Budget(2, null, null)).build());
        queue.enqueue("budget", adam(0.1, 1), null);
        queue.enqueue("budget", adam(0.2, 1), null);
        assertThatThrownBy(() -> queue.enqueue("budget", adam(0.3, 1), null))
                .isInstanceOf(TunelabException.BudgetExhausted.class).hasMessageContaining("enqueued trials count toward it");
        service.ask("budget");
        service.ask("budget");
        assertThatThrownBy(() -> service.ask("budget")).isInstanceOf(TunelabException.BudgetExhausted.class);
    }

    @Test
    void aWorkersLeaseTakesTheQueuedConfigurationOfATaskFirst() {
        service.create(ExperimentSpec.builder("task").minimize("loss").param("x", FloatParam.of(0, 1)).trials(5)
                .task(Map.of("dataset", Map.of("name", "iris"))).build());
        queue.enqueue("task", params("x", 0.375), null);
        var lease = coordinator.leases().lease(new io.tunelab.api.LeaseRequest("w:1", List.of("dl4j"), 0)).orElseThrow();
        assertThat(lease.trial().params()).isEqualTo(params("x", 0.375));
        assertThat(coordinator.queries().trial(lease.trial().id()).worker()).isEqualTo("w:1");
        assertThat(queue.queued("task")).isEmpty();
    }

    @Test
    void aQueuedConfigurationWaitsForBudgetParallelAsANewTrialWould() {
        service.create(spec("parallel").budget(new Budget(null, 1, null)).build());
        queue.enqueue("parallel", adam(0.1, 1), null);
        queue.enqueue("parallel", adam(0.2, 1), null);
        TrialProposal first = service.ask("parallel");
        assertThatThrownBy(() -> service.ask("parallel")).isInstanceOf(TunelabException.ParallelLimit.class);
        assertThat(queue.queued("parallel")).hasSize(1);
        var next = service.tellThenAsk(first.id(), TrialResult.complete(Map.of("loss", 1.0)), null, (String) null).next();
        assertThat(next.params()).isEqualTo(adam(0.2, 1));
    }

    @Test
    void theQueueSurvivesARestart() {
        service.create(spec("durable").build());
        queue.enqueue("durable", adam(0.75, 4), null);
        storage.close();
        open();
        assertThat(queue.queued("durable")).extracting(Trial::params).containsExactly(adam(0.75, 4));
        assertThat(service.ask("durable").params()).isEqualTo(adam(0.75, 4));
        assertThat(queue.queued("durable")).isEmpty();
    }
}
