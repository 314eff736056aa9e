package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog's summaries stored in the embedded database: a start after a clean stop reads the
 * catalog from them and shows what the catalog showed before; a summary stored before its
 * experiment changed is never served, even when the server stopped without storing anything
 * (a kill); a database from before the summaries were stored shows the right catalog and stores
 * them for the next start.
 */
class StoredSummariesTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final Storages storages = new Storages();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private Coordinator open(String name, boolean evictAtOnce) {
        var storage = storages.openDataDirectory(dir.resolve(name));
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1))
                .withMemory(100, evictAtOnce ? Duration.ZERO : Duration.ofHours(1));
        return Coordinator.open(storage, () -> now, Events.NONE, config, null);
    }

    private JdbcStorage storage() {
        return storages.last();
    }

    /** Closes the storage of the last coordinator opened without a clean stop: nothing is stored on the way out. */
    private void kill() {
        storages.closeLast();
    }

    /** Asks and tells {@code n} trials: every fifth fails, the rest complete (also {@link StoredFirstReadsTest}'s). */
    static void sweep(Coordinator c, String ref, int n) {
        for (int i = 0; i < n; i++) {
            TrialProposal p = c.experiments().ask(ref);
            double x = ((Number) p.params().get("x")).doubleValue();
            c.experiments().tell(p.id(), i % 5 == 4 ? TrialResult.failed("diverged") : TrialResult.complete(Map.of("loss", (x - 0.3) * (x - 0.3))));
        }
    }

    /** {@code count} experiments {@code prefix-i} of {@code i % 7} trials, every third tagged. */
    private static void fill(Coordinator c, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            c.experiments().create(ExperimentSpec.builder(prefix + "-" + i).minimize("loss").param("x", FloatParam.of(0, 1))
                    .strategy("random").seed((long) i).trials(50).build());
            sweep(c, prefix + "-" + i, i % 7);
            if (i % 3 == 0) {
                c.catalog().update(prefix + "-" + i, new ExperimentPatch(null, List.of("t" + i), null, null, "n", null), null);
            }
        }
    }

    private static ExperimentSummary named(Coordinator c, String name) {
        return c.queries().summaries().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aStartAfterACleanStopReadsTheCatalogFromTheStoredSummariesAndShowsWhatItShowedBefore() {
        Coordinator c = open("clean", false);
        fill(c, "clean", 40);
        String before = Json.write(c.queries().summaries());
        c.queries().storeSummaries();
        kill();

        Coordinator fresh = open("clean", false);
        assertThat(storage().index().summaries()).as("one summary per experiment, at its revision").hasSize(40);
        assertThat(Json.write(fresh.queries().summaries())).isEqualTo(before);
        assertThat(fresh.queries().loadedExperiments()).as("the catalog loads nothing").isZero();

        // The catalog takes what is stored: clean-1's summary stored with clean-5's trials shows them.
        ExperimentSummary five = named(fresh, "clean-5");
        ExperimentSummary one = named(fresh, "clean-1");
        assertThat(one.trials()).isNotEqualTo(five.trials());
        long revision = storage().index().revision(one.id());
        var forged = new ExperimentSummary(one.id(), one.name(), one.state(), five.trials(), five.best(), five.bestTrial(),
                one.objectives(), one.strategy(), one.budget(), one.created(), one.updated(), one.stopReason(), one.labels(), one.imported());
        storage().write(w -> w.putSummary(one.id(), revision, Json.write(forged), null));
        kill();
        Coordinator tampered = open("clean", false);
        assertThat(tampered.queries().summaries()).filteredOn(s -> s.id() == one.id()).singleElement()
                .satisfies(s -> assertThat(s.trials()).isEqualTo(five.trials()));
    }

    @Test
    void aSummaryStoredBeforeItsExperimentChangedIsNeverServedAfterAKill() {
        Coordinator c = open("kill", true);
        fill(c, "kill", 3);
        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).isZero();
        c.queries().storeSummaries();
        long id = named(c, "kill-2").id();
        assertThat(storage().index().summary(id)).as("stored at eviction").isPresent();

        sweep(c, "kill-2", 4);
        c.catalog().update("kill-1", new ExperimentPatch(null, null, List.of("late"), null, null, null), null);
        assertThat(storage().index().summary(id)).as("the experiment's revision moved past the stored summary").isEmpty();
        c.leases().reapQuietly();
        c.queries().storeSummaries();
        assertThat(storage().index().summary(id)).as("stored again at the next eviction").isPresent();
        sweep(c, "kill-2", 1);
        assertThat(storage().index().summary(id)).as("the first write after it moved the revision again").isEmpty();
        String expected = Json.write(c.queries().summaries());
        kill();

        Coordinator fresh = open("kill", false);
        assertThat(Json.write(fresh.queries().summaries())).isEqualTo(expected);
        assertThat(named(fresh, "kill-2").trials().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);

        // A summary written late, at a revision the experiment has left, is not stored at all.
        long old = storage().index().revision(id);
        sweep(fresh, "kill-2", 1);
        storage().write(w -> w.putSummary(id, old, Json.write(named(fresh, "kill-0")), null));
        assertThat(storage().index().summary(id)).isEmpty();
        String after = Json.write(fresh.queries().summaries());
        kill();
        assertThat(Json.write(open("kill", false).queries().summaries())).isEqualTo(after);
    }

    @Test
    void aDatabaseFromBeforeStoredSummariesShowsTheRightCatalogAndStoresThemForTheNextStart() throws Exception {
        Coordinator c = open("old", false);
        fill(c, "old", 40);
        String before = Json.write(c.queries().summaries());
        kill();
        // Back to schema version 12: no summary table (nor what later versions made), every revision 0 as the embedded database kept them.
        try (var db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("old").resolve("tunelab").toAbsolutePath(), "tunelab", "");
             var s = db.createStatement()) {
            io.tunelab.server.testing.SchemaRollback.to(db, 12);
            s.execute("UPDATE experiment SET revision = 0");
        }

        Coordinator migrated = open("old", false);
        assertThat(storage().index().summaries()).isEmpty();
        assertThat(Json.write(migrated.queries().summaries())).isEqualTo(before);
        migrated.queries().storeSummaries();
        assertThat(storage().index().summaries()).as("made from the trials, then stored").hasSize(40);
        kill();
        assertThat(Json.write(open("old", false).queries().summaries())).isEqualTo(before);
    }
}
