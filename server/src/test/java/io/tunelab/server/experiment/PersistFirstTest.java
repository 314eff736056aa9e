package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every change is written before memory changes: a write that fails leaves memory as it was,
 * so a retry succeeds and what the coordinator answered is what a restart finds.
 */
class PersistFirstTest {
    static final List<Map<String, Object>> CONFIGURATIONS = List.of(Map.of("x", 0.25), Map.of("x", 0.75));

    @TempDir
    Path dir;
    FailingStorage storage;
    ExperimentService service;
    LeaseService leases;
    ExperimentQueries queries;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void open() {
        storage = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        var coordinator = Coordinator.open(storage, () -> now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null,
                (spec, seed) -> new FixedStrategy(CONFIGURATIONS, 64));
        service = coordinator.experiments();
        leases = coordinator.leases();
        queries = coordinator.queries();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    void reopen() {
        close();
        open();
    }

    static ExperimentSpec spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(2).build();
    }

    @Test
    void aTellWhoseWriteFailsChangesNothingAndItsRetryIsKeptAcrossARestart() {
        service.create(spec("told"));
        var t = service.ask("told");
        assertThat(t.params()).isEqualTo(Map.of("x", 0.25));
        storage.failNextWrite();
        assertThatThrownBy(() -> service.tell(t.id(), TrialResult.complete(Map.of("loss", 0.5))))
                .hasMessageContaining("the disk is full");
        assertThat(queries.trial(t.id()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(queries.experiment("told").summary().trials()).containsEntry(TrialState.RUNNING, 1);
        assertThat(queries.experiment("told").summary().best()).isNull();

        service.tell(t.id(), TrialResult.complete(Map.of("loss", 0.5)));
        reopen();
        var told = queries.trial(t.id());
        assertThat(told.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(told.values()).containsEntry("loss", 0.5);
    }

    @Test
    void aReportWhoseWriteFailsIsNotKeptAndItsRetryIs() {
        service.create(spec("reported"));
        var t = service.ask("reported");
        storage.failNextWrite();
        assertThatThrownBy(() -> service.report(t.id(), new ReportRequest(1, Map.of("loss", 0.9), null)))
                .hasMessageContaining("the disk is full");
        assertThat(queries.trial(t.id()).reports()).isEmpty();
        service.report(t.id(), new ReportRequest(1, Map.of("loss", 0.9), null));
        reopen();
        assertThat(queries.trial(t.id()).reports()).extracting(r -> r.values().get("loss")).containsExactly(0.9);
    }

    @Test
    void anAskWhoseWriteFailsUsesNoNumberAndRegistersNoTrial() {
        service.create(spec("asked"));
        storage.failNextWrite();
        assertThatThrownBy(() -> service.ask("asked")).hasMessageContaining("the disk is full");
        assertThat(queries.experiment("asked").summary().trials()).isEmpty();
        var t = service.ask("asked");
        assertThat(t.number()).isZero();
        assertThat(t.params()).isEqualTo(Map.of("x", 0.25));
        reopen();
        assertThat(queries.trials("asked", TrialQuery.all()).trials()).extracting(x -> x.id()).containsExactly(t.id());
    }

    @Test
    void aPauseOrStopWhoseWriteFailsLeavesTheExperimentRunning() {
        service.create(spec("paused"));
        storage.failNextWrite();
        assertThatThrownBy(() -> service.pause("paused")).hasMessageContaining("the disk is full");
        assertThat(queries.experiment("paused").state()).isEqualTo(ExperimentState.RUNNING);
        storage.failNextWrite();
        assertThatThrownBy(() -> service.stop("paused")).hasMessageContaining("the disk is full");
        assertThat(queries.experiment("paused").state()).isEqualTo(ExperimentState.RUNNING);
        service.pause("paused");
        reopen();
        assertThat(queries.experiment("paused").state()).isEqualTo(ExperimentState.PAUSED);
    }

    @Test
    void aCreateWhoseWriteFailsLeavesTheNameFree() {
        storage.failNextWrite();
        assertThatThrownBy(() -> service.create(spec("fresh"))).hasMessageContaining("the disk is full");
        assertThat(queries.summaries()).isEmpty();
        service.create(spec("fresh"));
        reopen();
        assertThat(queries.summaries()).extracting(s -> s.name()).containsExactly("fresh");
    }

    @Test
    void aReleaseOrHeartbeatWhoseWriteFailsKeepsTheLeaseAsItWas() {
        service.create(ExperimentSpec.builder("leased").minimize("loss").param("x", FloatParam.of(0, 1)).trials(2)
                .task(Map.of("dataset", Map.of("name", "iris"))).build());
        Lease lease = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0)).orElseThrow();
        long id = lease.trial().id();
        now = now.plusSeconds(10);
        storage.failNextWrite();
        assertThatThrownBy(() -> leases.heartbeat(id, lease.leaseId())).hasMessageContaining("the disk is full");
        storage.failNextWrite();
        assertThatThrownBy(() -> leases.release(id, lease.leaseId())).hasMessageContaining("the disk is full");
        assertThat(queries.trial(id).state()).isEqualTo(TrialState.RUNNING);
        // The lease still expires when it did: the failed heartbeat renewed nothing.
        now = now.plusSeconds(21);
        storage.failNextWrite();
        assertThatThrownBy(() -> leases.reapExpiredLeases()).hasMessageContaining("the disk is full");
        assertThat(queries.trial(id).state()).isEqualTo(TrialState.RUNNING);
        assertThat(leases.reapExpiredLeases()).isEqualTo(1);
        assertThat(queries.trial(id).state()).isEqualTo(TrialState.WAITING);
    }

    @Test
    void aSuggestWhoseWriteFailsAddsNoParamAndItsRetryIsKept() {
        service.create(spec("suggested"));
        var t = service.ask("suggested");
        storage.failNextWrite();
        assertThatThrownBy(() -> service.suggest(t.id(), "batch", IntParam.of(16, 256))).hasMessageContaining("the disk is full");
        assertThat(queries.experiment("suggested").spec().space().names()).containsExactly("x");
        assertThat(queries.trial(t.id()).params()).doesNotContainKey("batch");
        assertThat(service.suggest(t.id(), "batch", IntParam.of(16, 256))).isEqualTo(64);
        reopen();
        assertThat(queries.trial(t.id()).params()).containsEntry("batch", 64);
        assertThat(queries.experiment("suggested").spec().space().names()).containsExactly("x", "batch");
    }

    @Test
    void aDataReportWhoseWriteFailsNeitherStoresNorStops() {
        service.create(spec("data"));
        String leaseId = service.ask("data", true).leaseId();
        storage.failNextWrite();
        assertThatThrownBy(() -> service.putDataReport("data", leaseId, "w", Map.of("usable", false, "problems", List.of("empty"))))
                .hasMessageContaining("the disk is full");
        assertThat(queries.experiment("data").state()).isEqualTo(ExperimentState.RUNNING);
        service.putDataReport("data", leaseId, "w", Map.of("usable", false, "problems", List.of("empty")));
        reopen();
        assertThat(queries.experiment("data").state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(queries.dataReport("data")).containsEntry("usable", false);
    }
}
