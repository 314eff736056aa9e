package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two coordinators on one PostgreSQL database, both active: asks and tells made on either are
 * serialised in the database, numbers never repeat, no tell is lost, the strategy proposes the
 * same trials as one coordinator would, state changes and leases hold across them, one of them
 * reaps, and a change on one reaches the other's live events.
 */
class PeersTest {
    @RegisterExtension
    final Storages storages = new Storages();

    private static Database database() {
        return Storages.newPostgresDatabase("peers");
    }

    private Coordinator coordinator(Database db, Events events) {
        return Coordinator.open(storages.open(db), Instant::now, events,
                new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)), null);
    }

    private static ExperimentSpec spec(String name, int trials) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(-1, 1))
                .strategy("tpe").seed(7L).trials(trials).build();
    }

    private static double loss(Map<String, Object> params) {
        double x = ((Number) params.get("x")).doubleValue();
        double y = ((Number) params.get("y")).doubleValue();
        return (x - 0.3) * (x - 0.3) + y * y;
    }

    @Test
    void concurrentAsksAndTellsOnBothCoordinatorsNeverRepeatANumberNorLoseATell() throws Exception {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        a.experiments().create(spec("shared", 120));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        var told = new CopyOnWriteArrayList<Trial>();
        var futures = new ArrayList<Future<?>>();
        for (int client = 0; client < 8; client++) {
            int c = client;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 15; i++) {
                    Coordinator asked = (c + i) % 2 == 0 ? a : b;
                    Coordinator telling = (c + i) % 3 == 0 ? a : b;
                    TrialProposal p = asked.experiments().ask("shared");
                    told.add(telling.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", loss(p.params())))));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        assertThat(told).hasSize(120);
        List<StoredTrial> stored = storages.get(0).trials(a.queries().experiment("shared").id());
        assertThat(stored).hasSize(120).allMatch(t -> t.trial().state() == TrialState.COMPLETE);
        assertThat(stored).extracting(t -> t.trial().number()).doesNotHaveDuplicates();
        assertThat(stored).extracting(StoredTrial::id).doesNotHaveDuplicates();
        // Each tell is stored once, with the values told.
        for (Trial t : told) {
            assertThat(stored).filteredOn(s -> s.id() == t.id()).singleElement()
                    .satisfies(s -> assertThat(s.trial().values()).isEqualTo(t.values()));
        }
        // The budget is spent: whichever coordinator is asked refuses, and both show it COMPLETED.
        assertThatThrownBy(() -> b.experiments().ask("shared")).isInstanceOf(TunelabException.class);
        a.leases().reapQuietly();
        b.leases().reapQuietly();
        assertThat(a.queries().experiment("shared").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(b.queries().experiment("shared").state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(b.queries().experiment("shared").summary().trials()).containsEntry(TrialState.COMPLETE, 120);
    }

    @Test
    void theStrategyProposesTheSameTrialsWhicheverCoordinatorIsAsked() {
        Coordinator alone = coordinator(database(), Events.NONE);
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        alone.experiments().create(spec("same", 30));
        a.experiments().create(spec("same", 30));
        for (int i = 0; i < 30; i++) {
            TrialProposal single = alone.experiments().ask("same");
            alone.experiments().tell(single.id(), TrialResult.complete(Map.of("loss", loss(single.params()))));
            TrialProposal shared = (i % 2 == 0 ? a : b).experiments().ask("same");
            assertThat(shared.number()).isEqualTo(single.number());
            assertThat(shared.params()).as("trial %d", i).isEqualTo(single.params());
            (i % 3 == 0 ? b : a).experiments().tell(shared.id(), TrialResult.complete(Map.of("loss", loss(shared.params()))));
        }
    }

    @Test
    void noConfigurationIsProposedTwiceAcrossCoordinatorsUntilASmallSpaceIsUsedUp() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        a.experiments().create(ExperimentSpec.builder("small").minimize("loss").param("k", io.tunelab.api.IntParam.of(0, 7))
                .strategy("random").seed(3L).trials(8).build());
        var seen = new ArrayList<Object>();
        for (int i = 0; i < 8; i++) {
            Coordinator asked = i % 2 == 0 ? a : b;
            TrialProposal p = asked.experiments().ask("small");
            seen.add(p.params().get("k"));
            (i % 3 == 0 ? b : a).experiments().tell(p.id(), TrialResult.complete(Map.of("loss", 1.0)));
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(8);
    }

    @Test
    void aRetriedTellWithNextOnTheOtherCoordinatorAnswersTheSameNextTrial() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        a.experiments().create(spec("retried", 10));
        TrialProposal first = a.experiments().ask("retried");
        var result = TrialResult.complete(Map.of("loss", loss(first.params())));

        io.tunelab.api.TellReply reply = a.experiments().tellThenAsk(first.id(), result, null, "tell-next-7");
        io.tunelab.api.TellReply retried = b.experiments().tellThenAsk(first.id(), result, null, "tell-next-7");

        assertThat(retried.next()).isEqualTo(reply.next());
        assertThat(retried.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(storages.get(0).trials(a.queries().experiment("retried").id())).hasSize(2);
        TrialProposal other = b.experiments().tellThenAsk(reply.next().id(),
                TrialResult.complete(Map.of("loss", loss(reply.next().params()))), null, "tell-next-8").next();
        assertThat(other.number()).isEqualTo(2);
    }

    @Test
    void aRetriedTellOnTheOtherCoordinatorAnswersTheFinishedTrialAsTheFirstTellDid() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        a.experiments().create(spec("retold", 10));
        TrialProposal first = a.experiments().ask("retold");
        a.experiments().report(first.id(), io.tunelab.api.ReportRequest.of(1, Map.of("loss", 2.0)));
        var result = TrialResult.complete(Map.of("loss", loss(first.params())));

        io.tunelab.api.Trial told = a.experiments().tell(first.id(), result, null, "tell-9");
        io.tunelab.api.Trial retried = b.experiments().tell(first.id(), result, null, "tell-9");

        assertThat(io.tunelab.api.Json.write(retried)).isEqualTo(io.tunelab.api.Json.write(told));
        assertThat(retried.reports()).hasSize(1);
    }

    @Test
    void aTellWithNextIsOneTransactionOnEitherCoordinatorAndTheNextNumbersFollowAcrossThem() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        long id = a.experiments().create(spec("one-step", 10)).id();
        TrialProposal first = a.experiments().ask("one-step");
        var shared = storages.get(0).shared().orElseThrow();
        long before = shared.revision(id);

        io.tunelab.api.TellReply reply = b.experiments().tellThenAsk(first.id(),
                TrialResult.complete(Map.of("loss", loss(first.params()))), null, "tell-one");
        io.tunelab.api.TellReply then = a.experiments().tellThenAsk(reply.next().id(),
                TrialResult.complete(Map.of("loss", loss(reply.next().params()))), null, "tell-two");

        assertThat(shared.revision(id)).as("one transaction per tell with next").isEqualTo(before + 2);
        assertThat(reply.next().number()).isEqualTo(1);
        assertThat(then.next().number()).isEqualTo(2);
        assertThat(storages.get(0).trials(id)).extracting(t -> t.trial().state())
                .containsExactly(TrialState.COMPLETE, TrialState.COMPLETE, TrialState.RUNNING);
        b.experiments().tell(then.next().id(), TrialResult.complete(Map.of("loss", 1.0)));
        assertThat(a.experiments().ask("one-step").number()).isEqualTo(3);
    }

    @Test
    void creationPauseResumeAndStopOnOneCoordinatorAreSeenByTheOther() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        a.experiments().create(spec("states", 50));
        assertThat(b.queries().experiment("states").state()).isEqualTo(ExperimentState.RUNNING);
        assertThatThrownBy(() -> b.experiments().create(spec("states", 50)))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));

        a.experiments().pause("states");
        assertThatThrownBy(() -> b.experiments().ask("states"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPERIMENT_NOT_RUNNING));
        b.experiments().resume("states", null);
        TrialProposal p = a.experiments().ask("states");
        b.experiments().stop("states");
        assertThatThrownBy(() -> a.experiments().ask("states"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPERIMENT_NOT_RUNNING));
        // A trial asked before the stop may still be told, on either coordinator.
        assertThat(b.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", 1.0))).state()).isEqualTo(TrialState.COMPLETE);
    }

    /**
     * A model's size (what a HEAD answers) and its bytes (a GET) are refused alike once another
     * coordinator has deleted the experiment, whether this coordinator had it in memory or not.
     */
    @Test
    void aModelOfAnExperimentAnotherCoordinatorDeletedIsNotFoundAlikeForItsSizeAndItsBytes() {
        Database db = database();
        Coordinator a = coordinator(db, Events.NONE);
        Coordinator b = coordinator(db, Events.NONE);
        for (Coordinator asker : List.of(a, b)) {
            String sizedName = asker == a ? "sized-elsewhere" : "sized-here";
            String copiedName = asker == a ? "copied-elsewhere" : "copied-here";
            a.experiments().create(spec(sizedName, 50));
            a.experiments().create(spec(copiedName, 50));
            TrialProposal sized = asker.experiments().ask(sizedName);
            TrialProposal copied = asker.experiments().ask(copiedName);
            for (String name : List.of(sizedName, copiedName)) {
                a.experiments().stop(name);
                a.catalog().delete(name, "test");
            }
            var bytes = new java.io.ByteArrayOutputStream();
            assertThatThrownBy(() -> b.queries().copyModel(copied.id(), bytes))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                    .message().isIn("no trial with id " + copied.id(), "experiment \"" + copiedName + "\" was deleted");
            assertThatThrownBy(() -> b.queries().modelBytes(sized.id()))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                    .message().isIn("no trial with id " + sized.id(), "experiment \"" + sizedName + "\" was deleted");
            assertThat(bytes.size()).isZero();
        }
    }

    @Test
    void leasesHoldAcrossCoordinatorsAndOnlyTheLeaderReaps() {
        Database db = database();
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Storage sa = storages.open(db);
        Storage sb = storages.open(db);
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1));
        Coordinator a = Coordinator.open(sa, () -> now[0], Events.NONE, config, null);
        Coordinator b = Coordinator.open(sb, () -> now[0], Events.NONE, config, null);
        a.experiments().create(ExperimentSpec.builder("leased").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                .trials(3).task(Map.of("dataset", Map.of("name", "iris"))).build());
        Lease lease = a.leases().lease(new LeaseRequest("w1", List.of("dl4j"), 0)).orElseThrow();
        long trial = lease.trial().id();

        now[0] = now[0].plusSeconds(20);
        assertThat(b.leases().heartbeat(trial, lease.leaseId()).expiresAt()).isEqualTo(now[0].plusSeconds(30));
        assertThatThrownBy(() -> b.experiments().tell(trial, new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, java.util.UUID.randomUUID().toString(), null)))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LEASE_LOST));

        // Past the first expiry, not the renewed one: no coordinator takes the trial back.
        now[0] = now[0].plusSeconds(20);
        a.leases().reapQuietly();
        b.leases().reapQuietly();
        assertThat(b.queries().trial(trial).state()).isEqualTo(TrialState.RUNNING);

        // Past the renewed expiry: the leader reaps, the trial waits, and the other coordinator leases it out again.
        now[0] = now[0].plusSeconds(30);
        assertThat(a.leases().reapExpiredLeases() + (b.leases().reapExpiredLeases())).isEqualTo(1);
        Lease again = b.leases().lease(new LeaseRequest("w2", List.of("dl4j"), 0)).orElseThrow();
        assertThat(again.trial().id()).isEqualTo(trial);
        assertThatThrownBy(() -> a.leases().heartbeat(trial, lease.leaseId()))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LEASE_LOST));
    }

    @Test
    void aLeaseKeptForARetryOnOneCoordinatorIsAnsweredWholeByTheOther() {
        Database db = database();
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1));
        Coordinator a = Coordinator.open(storages.open(db), () -> now[0], Events.NONE, config, null);
        Coordinator b = Coordinator.open(storages.open(db), () -> now[0], Events.NONE, config, null);
        a.experiments().create(ExperimentSpec.builder("kept").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                .trials(1).task(Map.of("dataset", Map.of("name", "iris"))).build());
        var request = new LeaseRequest("w1", List.of("dl4j"), 0);
        Lease lease = a.leases().lease(request, RequestKey.of("kept-1")).orElseThrow();
        // Its worker went away from coordinator a, and retries on b.
        assertThat(a.leases().keepForRetry(lease, RequestKey.of("kept-1"))).isEqualTo(now[0].plusSeconds(5));
        now[0] = now[0].plusSeconds(1);
        assertThat(b.leases().lease(request, RequestKey.of("kept-1"))).contains(lease);

        now[0] = now[0].plusSeconds(20); // past the grace, within the first answer's 30 s
        assertThat(a.leases().reapExpiredLeases() + b.leases().reapExpiredLeases()).isZero();
        assertThat(a.leases().heartbeat(lease.trial().id(), lease.leaseId()).leaseId()).isEqualTo(lease.leaseId());
    }

    @Test
    void aLeaseWhoseRetryTheOtherCoordinatorAnsweredFirstIsNotShortenedAfter() {
        Database db = database();
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1));
        Coordinator a = Coordinator.open(storages.open(db), () -> now[0], Events.NONE, config, null);
        // b's clock is 5 s behind a's: its renewal must still show the lease was answered again.
        Coordinator b = Coordinator.open(storages.open(db), () -> now[0].minusSeconds(5), Events.NONE, config, null);
        a.experiments().create(ExperimentSpec.builder("kept").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                .trials(1).task(Map.of("dataset", Map.of("name", "iris"))).build());
        var request = new LeaseRequest("w1", List.of("dl4j"), 0);
        Lease lease = a.leases().lease(request, RequestKey.of("kept-1")).orElseThrow();
        // The worker's retry reaches b and is answered there before a finds the first reply's connection closed.
        now[0] = now[0].plusSeconds(1);
        assertThat(b.leases().lease(request, RequestKey.of("kept-1"))).contains(lease);
        assertThat(a.leases().keepForRetry(lease, RequestKey.of("kept-1"))).as("answered again on b: left whole").isNull();

        now[0] = now[0].plusSeconds(20); // past the grace, within the first answer's 30 s
        assertThat(a.leases().reapExpiredLeases() + b.leases().reapExpiredLeases()).isZero();
        assertThat(a.leases().heartbeat(lease.trial().id(), lease.leaseId()).leaseId()).isEqualTo(lease.leaseId());
    }

    @Test
    void exactlyOneCoordinatorLeadsAndAnotherTakesOverWhenItCloses() {
        Database db = database();
        coordinator(db, Events.NONE);
        coordinator(db, Events.NONE);
        var first = storages.get(0).shared().orElseThrow();
        var second = storages.get(1).shared().orElseThrow();
        assertThat(first.leads()).isTrue();
        assertThat(second.leads()).isFalse();
        storages.closeFirst();
        assertThat(second.leads()).isTrue();
    }

    @Test
    void aChangeOnOneCoordinatorReachesTheOthersLiveEvents() throws Exception {
        Database db = database();
        var seenByB = new CopyOnWriteArrayList<Object>();
        Coordinator a = coordinator(db, Events.NONE);
        coordinator(db, (type, payload) -> seenByB.add(payload));
        a.experiments().create(spec("live", 10));
        TrialProposal p = a.experiments().ask("live");
        a.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", 0.25)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (seenByB.stream().noneMatch(o -> o instanceof Trial t && t.id() == p.id() && t.state() == TrialState.COMPLETE)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(seenByB).anyMatch(o -> o instanceof Trial t && t.id() == p.id() && t.state() == TrialState.COMPLETE);
    }
}
