package io.tunelab.server.experiment;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
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
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budget accounting and lifecycle rules of the coordinator, on real H2 files with a clock the test moves. */
class ExperimentServiceTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    LeaseService leases;
    ExperimentQueries queries;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, () -> now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        leases = coordinator.leases();
        queries = coordinator.queries();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    static ExperimentSpec.Builder spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 5L, Map.of()));
    }

    @Test
    void aHoleInTheStoredNumbersIsNeverFilledAgainAndTheBudgetCountsTrials() {
        // Two concurrent asks took numbers 2 and 3; the server died after only 3 was stored.
        long id = service.create(spec("holes").budget(new Budget(5, null, null)).build()).id();
        for (int n = 0; n < 2; n++) {
            service.tell(service.ask("holes").id(), TrialResult.complete(Map.of("loss", 1.0)));
        }
        var orphan = new io.tunelab.api.Trial(100, id, 3, Map.of("x", 0.5), TrialState.RUNNING, null, null, null, null, now, now,
                null, null, null, null, null);
        storage.write(c -> c.insert(io.tunelab.server.storage.StoredTrial.of(orphan)));
        storage.close();
        open();

        var next = service.ask("holes");
        assertThat(next.number()).as("the number after the largest stored, not the count").isEqualTo(4);
        service.tell(next.id(), TrialResult.complete(Map.of("loss", 0.5)));
        service.tell(100, TrialResult.complete(Map.of("loss", 0.7)));
        service.ask("holes");
        assertThatThrownBy(() -> service.ask("holes")).as("5 trials in all, whatever their numbers")
                .isInstanceOf(TunelabException.BudgetExhausted.class);
    }

    @Test
    void aMinutesBudgetCountsOnlyRunningTimeAndCompletesTheExperiment() {
        service.create(spec("timed").budget(new Budget(null, null, 1.0)).build());
        var t = service.ask("timed");
        now = now.plusSeconds(40);
        service.pause("timed");
        now = now.plusSeconds(3600);
        service.resume("timed", null);
        now = now.plusSeconds(15);
        service.tell(t.id(), TrialResult.complete(Map.of("loss", 1.0)));
        service.ask("timed");
        now = now.plusSeconds(10);
        assertThatThrownBy(() -> service.ask("timed")).isInstanceOf(TunelabException.BudgetExhausted.class)
                .hasMessageContaining("1.0 minutes");
        // The running trial still counts: the experiment completes when it is told.
        assertThat(queries.experiment("timed").state()).isEqualTo(ExperimentState.RUNNING);
        var running = queries.trials("timed", TrialQuery.all()).trials().stream().filter(x -> x.state() == TrialState.RUNNING).findFirst().orElseThrow();
        service.tell(running.id(), TrialResult.complete(Map.of("loss", 0.5)));
        assertThat(queries.experiment("timed").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThatThrownBy(() -> service.resume("timed", null)).isInstanceOf(TunelabException.BudgetExhausted.class);
        assertThat(service.resume("timed", new Budget(null, null, 5.0)).state()).isEqualTo(ExperimentState.RUNNING);
    }

    @Test
    void aPausedExperimentStillAcceptsResultsOfItsRunningTrials() {
        service.create(spec("paused").trials(5).build());
        var t = service.ask("paused");
        service.pause("paused");
        service.tell(t.id(), TrialResult.complete(Map.of("loss", 0.3)));
        assertThat(queries.trial(t.id()).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(queries.experiment("paused").summary().best()).containsEntry("loss", 0.3);
    }

    @Test
    void gridDefaultsItsBudgetToTheGridAndRefusesFloatsWithoutStep() {
        var grid = service.create(ExperimentSpec.builder("grid").minimize("loss").param("n", IntParam.of(1, 3))
                .param("kind", CategoricalParam.of("a", "b")).strategy(StrategySpec.of("grid", 1)).build());
        assertThat(grid.spec().budget().trials()).isEqualTo(6);
        assertThatThrownBy(() -> service.create(spec("bad-grid").strategy(StrategySpec.of("grid")).build()))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessageContaining("float param \"x\" has no step");
        assertThat(queries.summaries()).hasSize(1);
    }

    @Test
    void noConfigurationIsProposedTwiceAndARestartContinuesTheSameSequence() {
        for (String name : new String[]{"straight", "restarted"}) {
            service.create(ExperimentSpec.builder(name).minimize("loss").param("n", IntParam.of(1, 3))
                    .param("c", CategoricalParam.of("a", 1, true)).strategy(new StrategySpec("random", 5L, Map.of())).build());
        }
        var straight = new java.util.ArrayList<String>();
        var restarted = new java.util.ArrayList<String>();
        for (int i = 0; i < 9; i++) {
            straight.add(askAndTellEvenOnes("straight", i));
        }
        for (int i = 0; i < 4; i++) {
            restarted.add(askAndTellEvenOnes("restarted", i));
        }
        close();
        open();
        for (int i = 4; i < 9; i++) {
            restarted.add(askAndTellEvenOnes("restarted", i));
        }
        assertThat(straight).doesNotHaveDuplicates().hasSize(9);
        assertThat(restarted).as("the set of proposed configurations rebuilt from storage").containsExactlyElementsOf(straight);
        assertThatThrownBy(() -> service.ask("restarted")).isInstanceOf(TunelabException.BudgetExhausted.class)
                .hasMessageContaining("every configuration");
    }

    @Test
    void aConfigurationCompletedByADefineByRunParamIsNotProposedAgain() {
        service.create(ExperimentSpec.builder("dbr-small").minimize("loss").param("n", IntParam.of(1, 2))
                .strategy(new StrategySpec("random", 5L, Map.of())).build());
        var first = service.ask("dbr-small");
        service.suggest(first.id(), "kind", CategoricalParam.of("p", "q"));
        var keys = new java.util.ArrayList<String>();
        keys.add(io.tunelab.server.strategy.Configurations.key(queries.trial(first.id()).params()));
        for (int i = 0; i < 3; i++) {
            keys.add(askAndTellEvenOnes("dbr-small", i));
        }
        assertThat(keys).as("2 × 2 configurations, the first one completed by its define-by-run param").doesNotHaveDuplicates();
        assertThatThrownBy(() -> service.ask("dbr-small")).isInstanceOf(TunelabException.BudgetExhausted.class);
    }

    /** Asks for a trial, tells it when {@code i} is even (the others stay running), and gives its configuration's key. */
    private String askAndTellEvenOnes(String experiment, int i) {
        var t = service.ask(experiment);
        if (i % 2 == 0) {
            service.tell(t.id(), TrialResult.complete(Map.of("loss", 1.0)));
        }
        return io.tunelab.server.strategy.Configurations.key(t.params());
    }

    @Test
    void defineByRunParamsJoinTheSpaceAndMustKeepTheirDefinition() {
        service.create(spec("dbr").build());
        var t = service.ask("dbr");
        Object v = service.suggest(t.id(), "batch", IntParam.log(16, 256));
        assertThat((Integer) v).isBetween(16, 256);
        assertThat(service.suggest(t.id(), "batch", IntParam.log(16, 256))).isEqualTo(v);
        assertThatThrownBy(() -> service.suggest(t.id(), "batch", IntParam.of(1, 2)))
                .isInstanceOf(TunelabException.InvalidSpec.class).hasMessageContaining("same definition");
        assertThat(queries.experiment("dbr").spec().space().names()).containsExactly("x", "batch");
        assertThat(queries.trial(t.id()).params()).containsKeys("x", "batch");
        // The space and the value survive a restart.
        close();
        open();
        assertThat(queries.experiment("dbr").spec().space().names()).containsExactly("x", "batch");
        assertThat(queries.trial(t.id()).params()).containsEntry("batch", v);
    }

    @Test
    void sortingByValueRanksCompleteTrialsFirstAndActivityMovesUpdated() {
        service.create(spec("sorted").build());
        var a = service.ask("sorted");
        var b = service.ask("sorted");
        var c = service.ask("sorted");
        now = now.plusSeconds(60);
        service.tell(a.id(), TrialResult.pruned(Map.of("loss", 0.1)));
        service.tell(b.id(), TrialResult.complete(Map.of("loss", 0.5)));
        service.tell(c.id(), TrialResult.complete(Map.of("loss", 0.3)));
        var page = queries.trials("sorted", new TrialQuery(0, 10, "value", false, null)).trials();
        assertThat(page).extracting(t -> t.id()).containsExactly(c.id(), b.id(), a.id());
        assertThat(queries.experiment("sorted").summary().updated()).isEqualTo(now);
        assertThat(queries.history("sorted").trials()).containsExactly(b.id(), c.id());
    }

    @Test
    void aLeasedAskWhoseCallerDiesGoesToTheNextAsk() {
        service.create(spec("leased").trials(2).build());
        var first = service.ask("leased", true);
        assertThat(first.leaseId()).isNotNull();
        leases.heartbeat(first.id(), first.leaseId());
        now = now.plusSeconds(31);
        leases.reapExpiredLeases();
        assertThat(queries.trial(first.id()).state()).isEqualTo(TrialState.WAITING);
        var again = service.ask("leased", true);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.params()).isEqualTo(first.params());
        assertThatThrownBy(() -> service.tell(first.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 1.0), null, null,
                first.leaseId(), null))).isInstanceOf(TunelabException.LeaseLost.class);
        service.tell(again.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.5), null, null, again.leaseId(), null));
        // A plain ask also takes a waiting trial, so an experiment never stalls on one.
        var second = service.ask("leased", true);
        now = now.plusSeconds(31);
        leases.reapExpiredLeases();
        var plain = service.ask("leased");
        assertThat(plain.id()).isEqualTo(second.id());
        assertThat(plain.leaseId()).isNull();
        service.tell(plain.id(), TrialResult.complete(Map.of("loss", 0.2)));
        assertThat(queries.experiment("leased").state()).isEqualTo(ExperimentState.COMPLETED);
    }

    @Test
    void stoppingACompletedExperimentLeavesItCompleted() {
        service.create(spec("done").trials(1).build());
        var t = service.ask("done");
        service.tell(t.id(), TrialResult.complete(Map.of("loss", 0.2)));
        assertThat(queries.experiment("done").state()).isEqualTo(ExperimentState.COMPLETED);

        service.stop("done", "admin");

        var e = queries.experiment("done");
        assertThat(e.state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(e.summary().stopReason()).isNull();
        assertThat(e.updatedBy()).isNull();
    }

    @Test
    void unusableDataStopsTheExperimentWithItsReasonOnBehalfOfTheLeaseHoldersToken() {
        service.create(spec("data").task(Map.of("dataset", Map.of("name", "iris"))).build());
        var leased = service.ask("data", true);
        assertThatThrownBy(() -> queries.dataReport("data")).isInstanceOf(TunelabException.NotFound.class);
        assertThatThrownBy(() -> service.putDataReport("data", leased.leaseId(), "gpu-1", Map.of("rows", 3)))
                .isInstanceOf(TunelabException.InvalidValue.class);
        service.putDataReport("data", leased.leaseId(), "gpu-1", Map.of("usable", false, "problems", java.util.List.of("no column \"label\"")));
        var e = queries.experiment("data");
        assertThat(e.state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(e.summary().stopReason()).contains("no column \"label\"");
        assertThat(e.updatedBy()).isEqualTo("gpu-1");
        assertThat(queries.dataReport("data")).containsEntry("usable", false);
    }

    @Test
    void aDataReportWithoutALiveLeaseOfTheExperimentsTrialsIsRefusedAndChangesNothing() {
        service.create(spec("data").task(Map.of("dataset", Map.of("name", "iris"))).build());
        service.create(spec("other").task(Map.of("dataset", Map.of("name", "iris"))).build());
        var otherLease = service.ask("other", true);
        var finished = service.ask("data", true);
        service.tell(finished.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.5), null, null, finished.leaseId(), null));
        Map<String, Object> unusable = Map.of("usable", false, "problems", java.util.List.of("empty"));

        assertThatThrownBy(() -> service.putDataReport("data", null, "w", unusable))
                .isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("?leaseId=");
        assertThatThrownBy(() -> service.putDataReport("data", "x", "w", unusable))
                .isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("is not a lease id");
        assertThatThrownBy(() -> service.putDataReport("data", otherLease.leaseId(), "w", unusable))
                .isInstanceOf(TunelabException.LeaseLost.class).hasMessageContaining("holds no unfinished trial of experiment data");
        assertThatThrownBy(() -> service.putDataReport("data", finished.leaseId(), "w", unusable))
                .isInstanceOf(TunelabException.LeaseLost.class);
        var leased = service.ask("data", true);
        assertThatThrownBy(() -> service.putDataReport("data", leased.leaseId(), "w", Map.of("usable", false, "problems", "empty")))
                .isInstanceOf(TunelabException.InvalidValue.class).hasMessageContaining("a list of texts");

        assertThat(queries.experiment("data").state()).isEqualTo(ExperimentState.RUNNING);
        assertThat(queries.experiment("data").updatedBy()).isNull();
        assertThatThrownBy(() -> queries.dataReport("data")).isInstanceOf(TunelabException.NotFound.class);
    }

    @Test
    void anUnusableReportWithoutProblemsSaysSoAndOneOnAStoppedExperimentIsOnlyStored() {
        service.create(spec("data").task(Map.of("dataset", Map.of("name", "iris"))).build());
        var leased = service.ask("data", true);
        service.putDataReport("data", leased.leaseId(), "w", Map.of("usable", false));
        assertThat(queries.experiment("data").summary().stopReason()).isEqualTo("unusable data: the worker's data report names no problem");

        service.create(spec("stopped").task(Map.of("dataset", Map.of("name", "iris"))).build());
        var running = service.ask("stopped", true);
        service.stop("stopped", "admin");
        service.putDataReport("stopped", running.leaseId(), "w", Map.of("usable", false, "problems", java.util.List.of("empty")));
        var stopped = queries.experiment("stopped");
        assertThat(stopped.summary().stopReason()).isEqualTo("stopped by token admin");
        assertThat(stopped.updatedBy()).isEqualTo("admin");
        assertThat(queries.dataReport("stopped")).containsEntry("usable", false);
    }
}
