package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded memory with two coordinators on one PostgreSQL database: an experiment one of them
 * evicted stays out of its memory while the other changes it (catching up on other coordinators
 * does not load it back), its catalog shows the change, and when used again it is loaded caught
 * up and its asks go on where the other left off. A catalog summary one coordinator stored is
 * not served once the other changed the experiment; one stored at the experiment's current
 * revision serves any coordinator that starts. What a browser reads first of a large experiment,
 * stored with its summary, answers another coordinator that has not loaded it, and not once a
 * third changed it; so does what a coordinator stored of an experiment that went quiet in its
 * memory, at the revision its memory showed.
 */
class LoadedExperimentsPostgresTest {
    @RegisterExtension
    final Storages storages = new Storages();

    private Coordinator coordinator(Database db, boolean evictAtOnce) {
        Storage storage = storages.open(db);
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1))
                .withMemory(100, evictAtOnce ? Duration.ZERO : Duration.ofHours(1));
        return Coordinator.open(storage, Instant::now, Events.NONE, config, null);
    }

    private static void sweep(Coordinator c, String ref, int n) {
        for (int i = 0; i < n; i++) {
            TrialProposal p = c.experiments().ask(ref);
            double x = ((Number) p.params().get("x")).doubleValue();
            c.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", (x - 0.4) * (x - 0.4))));
        }
    }

    /** Creates the experiment "shared" on {@code a}, which evicts at once, tells 8 trials and evicts it. */
    private static void evictedAfterEight(Coordinator a) {
        a.experiments().create(ExperimentSpec.builder("shared").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy("tpe").seed(3L).trials(100).build());
        sweep(a, "shared", 8);
        a.leases().reapQuietly();
    }

    @Test
    void anExperimentEvictedOnOneCoordinatorStaysOutWhileTheOtherChangesItAndComesBackCaughtUp() {
        var db = Storages.newPostgresDatabase("memory_peers");
        Coordinator a = coordinator(db, true);
        Coordinator b = coordinator(db, false);
        evictedAfterEight(a);
        assertThat(a.queries().loadedExperiments()).isZero();

        sweep(b, "shared", 5);
        a.leases().reapQuietly();
        a.leases().reapQuietly();
        assertThat(a.queries().loadedExperiments()).as("catching up on the other coordinator does not load it back").isZero();
        assertThat(Json.write(a.queries().summaries())).as("the catalog shows the other's trials")
                .isEqualTo(Json.write(b.queries().summaries()));
        assertThat(a.queries().loadedExperiments()).isZero();

        assertThat(Json.write(a.queries().trials("shared", TrialQuery.all())))
                .isEqualTo(Json.write(b.queries().trials("shared", TrialQuery.all())));
        assertThat(Json.write(a.queries().leaderboard("shared", 0, 20))).isEqualTo(Json.write(b.queries().leaderboard("shared", 0, 20)));
        TrialProposal next = a.experiments().ask("shared");
        assertThat(next.number()).as("numbers go on after the other coordinator's").isEqualTo(13);
        assertThat(b.queries().trial(next.id()).params()).isEqualTo(next.params());
    }

    @Test
    void aSummaryOneCoordinatorStoredIsNotServedOnceAnotherChangedTheExperimentAndACurrentOneServesAnyStart() {
        var db = Storages.newPostgresDatabase("stored_summaries");
        Coordinator a = coordinator(db, true);
        Coordinator b = coordinator(db, false);
        evictedAfterEight(a);
        a.queries().storeSummaries();
        long id = a.queries().summaries().getFirst().id();
        Storage index = storages.get(0);
        assertThat(index.index().summary(id)).as("stored by the coordinator that evicted it").isPresent();

        sweep(b, "shared", 5);
        assertThat(index.index().summary(id)).as("the other coordinator's steps moved the revision past it").isEmpty();
        String expected = Json.write(b.queries().summaries());
        assertThat(Json.write(coordinator(db, false).queries().summaries())).as("a start reads the other's trials").isEqualTo(expected);

        b.queries().storeSummaries();
        assertThat(index.index().summary(id)).as("stored by the other at the current revision").isPresent();
        Coordinator fresh = coordinator(db, false);
        assertThat(Json.write(fresh.queries().summaries())).isEqualTo(expected);
        assertThat(fresh.queries().loadedExperiments()).isZero();
        assertThat(Json.write(a.queries().summaries())).as("the evicting coordinator's catalog too").isEqualTo(expected);
    }

    @Test
    void theFirstReadsOneCoordinatorStoredAnswerAnotherUntilAThirdChangesTheExperiment() {
        var db = Storages.newPostgresDatabase("first_reads");
        Coordinator a = coordinator(db, true);
        a.queries().firstReadsFrom(8);
        Coordinator b = coordinator(db, false);
        evictedAfterEight(a);
        a.queries().storeSummaries(); // writes what the eviction queued
        long id = a.queries().summaries().getFirst().id();
        assertThat(storages.get(0).index().firstReads(id, BuildStamp.current())).as("stored by the coordinator that evicted it").isPresent();

        Coordinator reader = coordinator(db, false);
        String experiment = new String(reader.queries().experimentJson("shared"), StandardCharsets.UTF_8);
        String page = Json.write(reader.queries().trialsJson("shared", ExperimentQueries.FIRST_PAGE).total());
        assertThat(reader.queries().loadedExperiments()).as("answered as stored").isZero();
        assertThat(experiment).isEqualTo(Json.write(b.queries().experiment("shared")));
        for (TrialQuery first : List.of(ExperimentQueries.FIRST_PAGE, ExperimentQueries.FIRST_PAGE_DESCENDING)) {
            assertThat(new String(reader.queries().trialsJson("shared", first).json(), StandardCharsets.UTF_8))
                    .isEqualTo(Json.write(b.queries().trials("shared", first).trials()));
        }
        assertThat(page).isEqualTo("8");

        sweep(b, "shared", 1);
        assertThat(reader.queries().trialsJson("shared", ExperimentQueries.FIRST_PAGE).total()).as("the other's trial shows").isEqualTo(9);
        assertThat(new String(reader.queries().experimentJson("shared"), StandardCharsets.UTF_8))
                .isEqualTo(Json.write(b.queries().experiment("shared")));
    }

    @Test
    void theFirstReadsACoordinatorStoredOfAQuietExperimentInItsMemoryAnswerAnotherUntilItChanges() {
        var db = Storages.newPostgresDatabase("quiet_first_reads");
        Coordinator a = coordinator(db, false);
        a.queries().firstReadsFrom(8);
        a.experiments().create(ExperimentSpec.builder("shared").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy("tpe").seed(3L).trials(100).build());
        sweep(a, "shared", 8);
        long id = a.queries().summaries().getFirst().id();
        a.queries().storeWhenQuietFor(Duration.ZERO);
        a.leases().reapQuietly();
        assertThat(a.queries().loadedExperiments()).as("stored, not evicted").isOne();
        assertThat(storages.get(0).index().firstReads(id, BuildStamp.current())).isPresent();

        Coordinator reader = coordinator(db, false);
        assertThat(new String(reader.queries().experimentJson("shared"), StandardCharsets.UTF_8))
                .isEqualTo(Json.write(a.queries().experiment("shared")));
        assertThat(new String(reader.queries().trialsJson("shared", ExperimentQueries.FIRST_PAGE).json(), StandardCharsets.UTF_8))
                .isEqualTo(Json.write(a.queries().trials("shared", ExperimentQueries.FIRST_PAGE).trials()));
        assertThat(reader.queries().loadedExperiments()).as("answered as stored").isZero();

        sweep(a, "shared", 1);
        assertThat(reader.queries().trialsJson("shared", ExperimentQueries.FIRST_PAGE).total()).as("the new trial shows").isEqualTo(9);
    }
}
