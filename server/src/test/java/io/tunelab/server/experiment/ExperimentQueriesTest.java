package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ExperimentQueries#prepare()}: after a start, the first page's ranking is built before
 * anyone asks, and nothing changes. The sizes of stored models (what a HEAD of a download answers)
 * come from the database's length of them and the finalization's record, without reading them.
 */
class ExperimentQueriesTest {
    @TempDir
    Path dir;
    FailingStorage storage;
    Coordinator coordinator;

    @BeforeEach
    void open() {
        storage = new FailingStorage(JdbcStorage.openDataDirectory(dir));
        coordinator = Coordinator.open(storage, () -> Instant.parse("2026-12-02T00:00:00Z"), Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void prepareBuildsEachExperimentsRankingAndChangesNoPage() {
        var service = coordinator.experiments();
        service.create(ExperimentServiceTest.spec("empty").build());
        service.create(ExperimentServiceTest.spec("told").build());
        for (int i = 0; i < 30; i++) {
            var t = service.ask("told");
            service.tell(t.id(), TrialResult.complete(Map.of("loss", ((Number) t.params().get("x")).doubleValue())));
        }
        service.ask("told"); // one still running
        ExperimentQueries queries = coordinator.queries();
        assertThat(queries.hasCurrentRanking("told")).isFalse();

        String before = io.tunelab.api.Json.write(queries.trials("told", ExperimentQueries.FIRST_PAGE));
        queries.prepare();

        assertThat(queries.hasCurrentRanking("told")).isTrue();
        assertThat(queries.hasView("told", ExperimentQueries.FIRST_PAGE)).isTrue();
        assertThat(queries.hasView("told", ExperimentQueries.FIRST_PAGE_DESCENDING)).as("it minimizes: never asked best first").isFalse();
        assertThat(io.tunelab.api.Json.write(queries.trials("told", ExperimentQueries.FIRST_PAGE))).isEqualTo(before);
        assertThat(queries.trials("empty", ExperimentQueries.FIRST_PAGE).trials()).isEmpty();
    }

    @Test
    void prepareBuildsTheFirstPageBestFirstTooForAnExperimentThatMaximizes() {
        var service = coordinator.experiments();
        service.create(ExperimentSpec.builder("accuracy").maximize("accuracy")
                .param("x", FloatParam.of(0, 1)).strategy("random").seed(3L).trials(50).build(), "tester");
        for (int i = 0; i < 20; i++) {
            var t = service.ask("accuracy");
            service.tell(t.id(), TrialResult.complete(Map.of("accuracy", ((Number) t.params().get("x")).doubleValue())));
        }
        ExperimentQueries queries = coordinator.queries();
        assertThat(queries.hasView("accuracy", ExperimentQueries.FIRST_PAGE_DESCENDING)).isFalse();

        queries.prepare();

        assertThat(queries.hasView("accuracy", ExperimentQueries.FIRST_PAGE)).as("what the page asks before it knows").isTrue();
        assertThat(queries.hasView("accuracy", ExperimentQueries.FIRST_PAGE_DESCENDING)).as("what it asks next").isTrue();
    }

    @Test
    void afterACleanStopPrepareLoadsTheMostRecentlyUpdatedLargeExperimentsAndBuildsTheirFirstPage() {
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1));
        String before = fourExperimentsOfFiveTrialsThenACleanStop(config);
        ExperimentQueries queries = coordinator.queries();
        assertThat(queries.loadedExperiments()).as("a start reads the catalog, not the trials").isZero();

        queries.prepare();
        assertThat(queries.loadedExperiments()).as("experiments of 5 trials read fast when first asked for").isZero();

        queries.prepare(5);

        assertThat(queries.loadedExperiments()).isEqualTo(ExperimentQueries.PREPARED_ON_START);
        assertThat(queries.hasCurrentRanking("newest")).isTrue();
        assertThat(queries.hasCurrentRanking("b")).isTrue();
        assertThat(queries.hasCurrentRanking("a")).isTrue();
        assertThat(queries.loadedExperiments()).as("\"oldest\" still only in the catalog").isEqualTo(3);
        assertThat(io.tunelab.api.Json.write(queries.trials("newest", ExperimentQueries.FIRST_PAGE))).isEqualTo(before);
    }

    @Test
    void prepareLoadsOnlyIntoRoomUnderTheBoundAndEvictsNothing() {
        fourExperimentsOfFiveTrialsThenACleanStop(
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withMemory(2, Duration.ofHours(1)));
        ExperimentQueries queries = coordinator.queries();
        queries.experiment("a");
        assertThat(queries.loadedExperiments()).isEqualTo(1);

        queries.prepare(5);

        assertThat(queries.loadedExperiments()).as("room for one more under --max-loaded-experiments 2").isEqualTo(2);
        assertThat(queries.hasCurrentRanking("newest")).as("the newest large one loaded into the room left").isTrue();
        assertThat(queries.hasCurrentRanking("a")).as("the one a reader had loaded, not evicted for another").isTrue();
    }

    /**
     * Experiments "oldest", "a", "b" and "newest" of five complete trials each, updated in that
     * order, then a clean stop and a new start with {@code config}; answers the first page of
     * "newest" as it read before the stop.
     */
    private String fourExperimentsOfFiveTrialsThenACleanStop(CoordinatorConfig config) {
        // A clock that moves, so each experiment is updated after the one before.
        var tick = new java.util.concurrent.atomic.AtomicLong();
        java.time.InstantSource clock = () -> Instant.parse("2026-12-02T00:00:00Z").plusSeconds(tick.incrementAndGet());
        coordinator = Coordinator.open(storage, clock, Events.NONE, config, null);
        var service = coordinator.experiments();
        for (String name : List.of("oldest", "a", "b", "newest")) {
            service.create(ExperimentServiceTest.spec(name).build());
            for (int i = 0; i < 5; i++) {
                var t = service.ask(name);
                service.tell(t.id(), TrialResult.complete(Map.of("loss", ((Number) t.params().get("x")).doubleValue())));
            }
        }
        String before = io.tunelab.api.Json.write(coordinator.queries().trials("newest", ExperimentQueries.FIRST_PAGE));
        coordinator.queries().storeSummaries();
        coordinator = Coordinator.open(storage, clock, Events.NONE, config, null);
        return before;
    }

    /** An experiment of two trials whose task holds out a test split, so that completing it starts a finalization. */
    private static ExperimentSpec withTask(String name) {
        return ExperimentSpec.builder(name).maximize("accuracy").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 3L, Map.of())).trials(2)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build();
    }

    private Lease lease() {
        return coordinator.leases().lease(new LeaseRequest("w:1", List.of("dl4j"), 0)).orElseThrow();
    }

    private Path file(int bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "model-", ".zip"), new byte[bytes]);
    }

    @Test
    void aModelsSizeIsTheOneRecordedWithItAndReadsNoModel() throws IOException {
        var service = coordinator.experiments();
        service.create(withTask("sized"));
        Lease first = lease();
        service.putModel(first.trial().id(), first.leaseId(), file(1234));
        // A size a result claims in its provenance is the caller's text, not what a download sends.
        service.tell(first.trial().id(), new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, first.leaseId(),
                Map.of("model_bytes", 1)));
        ExperimentQueries queries = coordinator.queries();
        int read = storage.filesRead();

        assertThat(queries.modelBytes(first.trial().id())).isEqualTo(1234);
        assertThat(storage.filesRead()).as("no model read").isEqualTo(read);
        var copied = new ByteArrayOutputStream();
        queries.copyModel(first.trial().id(), copied);
        assertThat(copied.size()).as("what a GET sends").isEqualTo(1234);

        Lease second = lease();
        service.tell(second.trial().id(), new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.8), null, null, second.leaseId(), null));
        Lease refit = lease();
        assertThat(refit.finalization()).as("the experiment completed; its winner is refit").isNotNull();
        service.putModel(refit.trial().id(), refit.leaseId(), file(77));
        read = storage.filesRead();

        assertThat(queries.finalizationModel("sized").modelBytes()).isEqualTo(77);
        assertThat(storage.filesRead()).as("no model read").isEqualTo(read);
        copied.reset();
        queries.copyFinalizationModel("sized", copied);
        assertThat(copied.size()).as("what a GET sends").isEqualTo(77);
    }

    @Test
    void aModelStoredByAnyPathIsSizedWithoutReadingItAndNoModelIsNotFound() throws IOException {
        var service = coordinator.experiments();
        service.create(withTask("unsized"));
        Lease leased = lease();
        long id = leased.trial().id();
        ExperimentQueries queries = coordinator.queries();

        assertThatThrownBy(() -> queries.modelBytes(id)).isInstanceOf(TunelabException.NotFound.class)
                .hasMessage("trial " + id + " has no stored model; only trials run by a worker with a task have one");
        assertThatThrownBy(() -> queries.finalizationModel("unsized")).isInstanceOf(TunelabException.NotFound.class)
                .hasMessageStartingWith("experiment \"unsized\" has no finalization, so no refit model; start one with tunelab finalize unsized");
        assertThatThrownBy(() -> queries.modelBytes(999_999)).isInstanceOf(TunelabException.NotFound.class)
                .hasMessage("no trial with id 999999");

        // The bytes alone, written past the upload (as a model stored by an earlier release, or copied by db copy).
        storage.write(c -> c.putModel(id, new byte[321]));
        int read = storage.filesRead();
        assertThat(queries.modelBytes(id)).isEqualTo(321);
        assertThat(storage.filesRead()).as("no model read").isEqualTo(read);
    }
}
