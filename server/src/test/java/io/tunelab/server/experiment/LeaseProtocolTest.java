package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Repetition;
import io.tunelab.api.ReportRequest;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease protocol on real H2 files with a clock the test moves: a lease expires without
 * heartbeats, its trial goes back to WAITING and to the next worker, the first worker's late
 * result is refused, a duplicate result is refused, and too many expiries fail the trial; a lease
 * kept for the retry of a worker that went away lasts a short grace unless the retry comes, a
 * finalization's too.
 */
class LeaseProtocolTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    LeaseService leases;
    ExperimentQueries queries;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final InstantSource clock = () -> now;

    @BeforeEach
    void open() {
        openService();
        service.create(ExperimentSpec.builder("tabular").maximize("accuracy")
                .param("lr", FloatParam.log(1e-4, 1e-1)).trials(3).task(Map.of("dataset", Map.of("name", "iris"))).build());
    }

    void openService() {
        storage = JdbcStorage.openDataDirectory(dir);
        // No reaper runs: the test reaps by hand after moving the clock.
        coordinator = Coordinator.open(storage, clock, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        leases = coordinator.leases();
        queries = coordinator.queries();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    Lease lease(String worker) {
        return leases.lease(new LeaseRequest(worker, List.of("dl4j"), 0)).orElseThrow();
    }

    @Test
    void anExpiredLeaseGoesToTheNextWorkerAndTheFirstWorkersResultIsRefused() {
        Lease first = lease("a:1");
        assertThat(first.task()).containsKey("dataset");
        assertThat(first.space()).as("what the experiment's other trials may be given").isEqualTo(queries.experiment("tabular").spec().space());
        assertThat(first.space().names()).containsExactly("lr");
        now = now.plusSeconds(20);
        leases.heartbeat(first.trial().id(), first.leaseId());
        now = now.plusSeconds(20);
        assertThat(leases.reapExpiredLeases()).isZero();
        now = now.plusSeconds(31);
        assertThat(leases.reapExpiredLeases()).isEqualTo(1);
        assertThat(queries.trial(first.trial().id()).state()).isEqualTo(TrialState.WAITING);

        Lease second = lease("b:2");
        assertThat(second.trial().id()).isEqualTo(first.trial().id());
        assertThat(second.trial().params()).isEqualTo(first.trial().params());
        var late = new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, first.leaseId(), null);
        assertThatThrownBy(() -> service.tell(first.trial().id(), late)).isInstanceOf(TunelabException.LeaseLost.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> service.report(first.trial().id(), new ReportRequest(1, Map.of("accuracy", 0.5), first.leaseId())))
                .isInstanceOf(TunelabException.LeaseLost.class);
        assertThatThrownBy(() -> leases.heartbeat(first.trial().id(), first.leaseId())).isInstanceOf(TunelabException.LeaseLost.class);

        var result = new TrialResult(TrialState.COMPLETE, null, List.of(
                new Repetition(0, 1L, Map.of("accuracy", 0.90)), new Repetition(1, 2L, Map.of("accuracy", 0.94))),
                null, second.leaseId(), Map.of("host", "b"));
        service.tell(second.trial().id(), result);
        assertThatThrownBy(() -> service.tell(second.trial().id(), result)).isInstanceOf(TunelabException.TrialFinished.class);
        var told = queries.trial(second.trial().id());
        assertThat(told.worker()).isEqualTo("b:2");
        assertThat(told.values().get("accuracy")).isCloseTo(0.92, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(told.statistics().get("accuracy").n()).isEqualTo(2);
        assertThat(told.provenance()).containsEntry("host", "b");
    }

    @Test
    void aTrialWhoseLeaseExpiredStartsOverWithoutTheReportsOfItsLastAttemptAlsoAfterARestart() {
        Lease first = lease("a:1");
        long id = first.trial().id();
        service.report(id, new ReportRequest(1, Map.of("accuracy", 0.5), first.leaseId()));
        service.report(id, new ReportRequest(2, Map.of("accuracy", 0.6), first.leaseId()));
        now = now.plusSeconds(31);
        assertThat(leases.reapExpiredLeases()).isEqualTo(1);
        assertThat(queries.trial(id).reports()).isEmpty();
        storage.close();
        openService();
        assertThat(queries.trial(id).state()).isEqualTo(TrialState.WAITING);
        assertThat(queries.trial(id).reports()).as("what memory showed before the restart").isEmpty();
    }

    @Test
    void aReleasedTrialGoesToTheNextWorkerWithoutCountingAnExpiry() {
        Lease first = lease("a:1");
        assertThatThrownBy(() -> leases.release(first.trial().id(), "not-the-lease")).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("leaseId \"not-the-lease\" is not a lease id");
        assertThatThrownBy(() -> leases.release(first.trial().id(), java.util.UUID.randomUUID().toString()))
                .isInstanceOf(TunelabException.LeaseLost.class).hasMessageContaining("is not its lease (it expired or was released");
        leases.release(first.trial().id(), first.leaseId());
        assertThat(queries.trial(first.trial().id()).state()).isEqualTo(TrialState.WAITING);
        assertThatThrownBy(() -> leases.heartbeat(first.trial().id(), first.leaseId())).isInstanceOf(TunelabException.LeaseLost.class);
        Lease second = lease("b:2");
        assertThat(second.trial().id()).isEqualTo(first.trial().id());
        // Two expiries fail the trial (max 2 attempts); the release did not count as one.
        now = now.plusSeconds(31);
        leases.reapExpiredLeases();
        assertThat(queries.trial(first.trial().id()).state()).isEqualTo(TrialState.WAITING);
    }

    @Test
    void aLeaseKeptForTheRetryOfAWorkerThatWentAwayLastsTheGraceAndItsRetryGetsItBackWhole() {
        assertThat(leases.retryGrace()).as("a tenth of the 30 s lease, but 5 s at least").isEqualTo(Duration.ofSeconds(5));
        RequestKey key = RequestKey.of("lease-1");
        Lease first = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key).orElseThrow();
        assertThat(first.expiresAt()).isEqualTo(now.plusSeconds(30));

        // The worker's reply found it gone: the lease now lasts the grace, and then goes to the next worker.
        assertThat(leases.keepForRetry(first, key)).isEqualTo(now.plusSeconds(5));
        assertThat(leases.keepForRetry(first, key)).as("never lengthened").isEqualTo(now.plusSeconds(5));
        now = now.plusSeconds(4);
        assertThat(leases.reapExpiredLeases()).isZero();
        now = now.plusSeconds(2);
        assertThat(leases.reapExpiredLeases()).isEqualTo(1);
        assertThat(queries.trial(first.trial().id()).state()).isEqualTo(TrialState.WAITING);
        Lease next = lease("b:2");
        assertThat(next.trial().id()).isEqualTo(first.trial().id());
        assertThat(leases.keepForRetry(first, key)).as("a lease no longer held is left alone").isNull();
        assertThat(leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key)).as("a late retry: its first answer, as after any expiry")
                .contains(first);
        leases.heartbeat(next.trial().id(), next.leaseId());

        // A retry within the grace: the lease is renewed from the retry on, past the grace and its first answer, across a restart too.
        Lease other = lease("c:3");
        RequestKey otherKey = RequestKey.of("lease-2");
        Lease kept = leases.lease(new LeaseRequest("d:4", List.of("dl4j"), 0), otherKey).orElseThrow();
        assertThat(kept.trial().id()).isNotEqualTo(other.trial().id());
        leases.keepForRetry(kept, otherKey);
        now = now.plusSeconds(2);
        assertThat(leases.lease(new LeaseRequest("d:4", List.of("dl4j"), 0), otherKey)).contains(kept);
        storage.close();
        openService();
        now = now.plusSeconds(25); // 27 s into the lease: past the grace, within the first answer's 30 s
        leases.reapExpiredLeases();
        assertThat(leases.heartbeat(kept.trial().id(), kept.leaseId()).leaseId()).isEqualTo(kept.leaseId());
        assertThat(queries.trial(kept.trial().id()).state()).isEqualTo(TrialState.RUNNING);
    }

    @Test
    void aLeaseWhoseRetryWasAnsweredBeforeItsWorkerWasFoundGoneIsLeftWhole() {
        // The retry waited for the first attempt and was answered first; the first attempt then finds its reply's connection closed.
        RequestKey key = RequestKey.of("lease-1");
        Lease first = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key).orElseThrow();
        assertThat(leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key)).contains(first);
        assertThat(leases.keepForRetry(first, key)).isNull();
        now = now.plusSeconds(20);
        assertThat(leases.reapExpiredLeases()).isZero();
        assertThat(leases.heartbeat(first.trial().id(), first.leaseId()).leaseId()).isEqualTo(first.leaseId());
    }

    @Test
    void aRetryAnsweredFromStorageRenewsTheLeaseAsAHeartbeatWould() {
        RequestKey key = RequestKey.of("lease-1");
        Lease first = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key).orElseThrow();
        now = now.plusSeconds(10);
        assertThat(leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key)).contains(first);
        now = now.plusSeconds(25); // 35 s after the first answer: past its 30 s, within the retry's
        assertThat(leases.reapExpiredLeases()).isZero();
        assertThat(leases.keepForRetry(first, key)).as("renewed since its first answer: left whole").isNull();
        assertThat(leases.heartbeat(first.trial().id(), first.leaseId()).leaseId()).isEqualTo(first.leaseId());
    }

    @Test
    void aLeaseItsWorkerHeartbeatSinceItsFirstAnswerIsNotShortened() {
        RequestKey key = RequestKey.of("lease-1");
        Lease first = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), key).orElseThrow();
        now = now.plusSeconds(1);
        leases.heartbeat(first.trial().id(), first.leaseId());
        assertThat(leases.keepForRetry(first, key)).isNull();
        now = now.plusSeconds(20);
        assertThat(leases.reapExpiredLeases()).isZero();
    }

    @Test
    void aFinalizationsLeaseKeptForARetryLastsTheGraceAndItsRetryGetsItBackWhole() {
        service.create(ExperimentSpec.builder("held-out").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1)).trials(5)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
        var p = service.ask("held-out");
        service.tell(p.id(), TrialResult.complete(Map.of("accuracy", 0.9)));
        coordinator.finalizations().finalize("held-out");
        service.pause("held-out");
        service.pause("tabular"); // nothing to lease but the finalization

        Lease gone = leases.lease(new LeaseRequest("a:1", List.of("dl4j"), 0), RequestKey.of("final-1")).orElseThrow();
        assertThat(gone.finalization()).isNotNull();
        assertThat(leases.keepForRetry(gone, RequestKey.of("final-1"))).isEqualTo(now.plusSeconds(5));
        now = now.plusSeconds(6);
        leases.reapExpiredLeases();
        assertThat(coordinator.finalizations().of("held-out").state()).as("no retry: handed on after the grace").isEqualTo(TrialState.WAITING);

        Lease first = leases.lease(new LeaseRequest("b:2", List.of("dl4j"), 0), RequestKey.of("final-2")).orElseThrow();
        assertThat(leases.keepForRetry(first, RequestKey.of("final-2"))).isEqualTo(now.plusSeconds(5));
        now = now.plusSeconds(2);
        assertThat(leases.lease(new LeaseRequest("b:2", List.of("dl4j"), 0), RequestKey.of("final-2"))).contains(first);
        now = now.plusSeconds(25);
        leases.reapExpiredLeases();
        assertThat(coordinator.finalizations().of("held-out").state()).as("held as first answered").isEqualTo(TrialState.RUNNING);
    }

    @Test
    void aTrialWhoseLeaseExpiresTooOftenFails() {
        Lease first = lease("a:1");
        now = now.plusSeconds(31);
        leases.reapExpiredLeases();
        lease("b:2");
        now = now.plusSeconds(31);
        leases.reapExpiredLeases();
        var trial = queries.trial(first.trial().id());
        assertThat(trial.state()).isEqualTo(TrialState.FAILED);
        assertThat(trial.error()).contains("expired 2 times");
    }

    @Test
    void workersOnlyGetTasksTheyCanRunAndLeasesSurviveARestart() {
        assertThat(leases.lease(new LeaseRequest("x:1", List.of("python"), 0))).isEmpty();
        Lease lease = lease("a:1");
        storage.close();
        openService();
        var again = queries.trial(lease.trial().id());
        assertThat(again.state()).isEqualTo(TrialState.RUNNING);
        service.tell(lease.trial().id(), new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.5), null, null, lease.leaseId(), null));
        assertThat(queries.trial(lease.trial().id()).state()).isEqualTo(TrialState.COMPLETE);
    }
}
