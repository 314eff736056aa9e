package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bounded memory on H2: an experiment leaves memory when idle or beyond the bound and comes back
 * from the database when used, and nobody can tell: every read answers the same before and after,
 * asks continue the sequence they would have without eviction, and an experiment with a trial
 * under a lease stays.
 */
class LoadedExperimentsTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final Storages storages = new Storages();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    /** A coordinator on the data directory {@code name}; idle experiments go at the next reaper run when {@code evictAtOnce}. */
    private Coordinator open(String name, boolean evictAtOnce, int maxLoaded) {
        var storage = storages.openDataDirectory(dir.resolve(name));
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1))
                .withMemory(maxLoaded, evictAtOnce ? Duration.ZERO : Duration.ofHours(1));
        return Coordinator.open(storage, () -> now, Events.NONE, config, null);
    }

    private static ExperimentSpec spec(String name, String strategy) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(-1, 1))
                .strategy(strategy).seed(11L).trials(200).build();
    }

    private static double loss(Map<String, Object> params) {
        double x = ((Number) params.get("x")).doubleValue();
        double y = ((Number) params.get("y")).doubleValue();
        return (x - 0.3) * (x - 0.3) + y * y;
    }

    /** Asks and tells {@code n} trials: every seventh fails, every fifth is pruned after a report, the rest complete. */
    private static void sweep(Coordinator c, String ref, int n) {
        for (int i = 0; i < n; i++) {
            TrialProposal p = c.experiments().ask(ref);
            double value = loss(p.params());
            c.experiments().report(p.id(), new ReportRequest(0, Map.of("loss", value * 2), null));
            TrialResult result = i % 7 == 6 ? TrialResult.failed("diverged") : i % 5 == 4 ? TrialResult.pruned(Map.of("loss", value * 2))
                    : TrialResult.complete(Map.of("loss", value));
            c.experiments().tell(p.id(), result);
        }
    }

    /** Everything the API reads of an experiment, as JSON. */
    private static List<String> reads(Coordinator c, String ref) {
        ExperimentQueries q = c.queries();
        var out = new ArrayList<String>();
        out.add(io.tunelab.api.Json.write(q.summaries()));
        out.add(io.tunelab.api.Json.write(q.experiment(ref)));
        for (var query : List.of(ExperimentQueries.FIRST_PAGE, new TrialQuery(10, 5, "number", true, null),
                new TrialQuery(0, 100, "value", false, TrialState.PRUNED), TrialQuery.all())) {
            out.add(io.tunelab.api.Json.write(q.trials(ref, query)));
        }
        out.add(io.tunelab.api.Json.write(q.leaderboard(ref, 0, 10)));
        out.add(io.tunelab.api.Json.write(q.leaderboard(ref, 20, 50)));
        out.add(io.tunelab.api.Json.write(q.ranking(ref, 0, 100)));
        out.add(io.tunelab.api.Json.write(q.history(ref)));
        out.add(io.tunelab.api.Json.write(q.curves(ref, 50)));
        long first = q.trials(ref, TrialQuery.all()).trials().getFirst().id();
        out.add(io.tunelab.api.Json.write(q.trial(first)));
        return out;
    }

    @Test
    void anEvictedExperimentReadsTheSameAfterItIsLoadedAgainAndInAFreshStart() {
        Coordinator c = open("a", true, 100);
        c.experiments().create(spec("evicted", "tpe"));
        sweep(c, "evicted", 40);
        List<String> before = reads(c, "evicted");

        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).as("idle and settled: evicted").isZero();
        assertThat(io.tunelab.api.Json.write(c.queries().summaries())).as("the catalog, from the summary kept at eviction")
                .isEqualTo(before.getFirst());
        assertThat(c.queries().loadedExperiments()).as("the catalog loads nothing").isZero();
        assertThat(reads(c, "evicted")).isEqualTo(before);
        assertThat(c.queries().loadedExperiments()).isEqualTo(1);

        storages.closeLast();
        Coordinator fresh = open("a", true, 100);
        assertThat(fresh.queries().loadedExperiments()).as("a start loads no idle experiment").isZero();
        assertThat(io.tunelab.api.Json.write(fresh.queries().summaries())).as("the catalog, from the indexed reads")
                .isEqualTo(before.getFirst());
        assertThat(reads(fresh, "evicted")).isEqualTo(before);
    }

    /** The {@code tunelab.trials} gauge of each state, as a scrape reads it. */
    private static Map<TrialState, Double> trialGauges(io.micrometer.core.instrument.MeterRegistry meters) {
        var out = new java.util.EnumMap<TrialState, Double>(TrialState.class);
        for (TrialState state : TrialState.values()) {
            out.put(state, meters.get("tunelab.trials").tag("state", state.name()).gauge().value());
        }
        return out;
    }

    @Test
    void theTrialGaugesCountAnEvictedExperimentOnceWhetherItIsSummarisedOrInMemoryAgain() {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var config = new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)).withMemory(100, Duration.ZERO);
        Coordinator c = Coordinator.open(storages.openDataDirectory(dir.resolve("gauges")), () -> now, Events.NONE, config, meters);
        c.experiments().create(spec("gauged", "random"));
        sweep(c, "gauged", 40);
        Map<TrialState, Double> before = trialGauges(meters);
        assertThat(before.get(TrialState.COMPLETE) + before.get(TrialState.FAILED) + before.get(TrialState.PRUNED)).isEqualTo(40.0);

        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).as("idle and settled: evicted").isZero();
        assertThat(trialGauges(meters)).as("from the summary kept at eviction").isEqualTo(before);
        // Read again while its memory is still reachable: it comes back without being read from the database.
        c.queries().experiment("gauged");
        assertThat(c.queries().loadedExperiments()).isEqualTo(1);
        assertThat(trialGauges(meters)).as("in memory again, and its summary no longer counted").isEqualTo(before);
        c.experiments().tell(c.experiments().ask("gauged").id(), TrialResult.complete(Map.of("loss", 0.5)));
        assertThat(trialGauges(meters).get(TrialState.COMPLETE)).isEqualTo(before.get(TrialState.COMPLETE) + 1);
    }

    @Test
    void aCatalogOfManyExperimentsNoneInMemoryIsReadInOnePassAndShowsWhatMemoryShowed() {
        Coordinator c = open("many", false, 100);
        for (int i = 0; i < 40; i++) {
            c.experiments().create(spec("many-" + i, "random"));
            sweep(c, "many-" + i, i % 8);
            if (i % 3 == 0) {
                c.catalog().update("many-" + i, new io.tunelab.api.ExperimentPatch(null, List.of("t" + i), null, null, "n", null), null);
            }
        }
        String before = io.tunelab.api.Json.write(c.queries().summaries());
        storages.closeLast();
        Coordinator fresh = open("many", false, 100);
        assertThat(fresh.queries().loadedExperiments()).isZero();
        assertThat(io.tunelab.api.Json.write(fresh.queries().summaries())).isEqualTo(before);
        assertThat(fresh.queries().loadedExperiments()).isZero();
    }

    @Test
    void asksAfterEveryEvictionContinueTheSequenceTheyWouldHaveWithout() {
        Coordinator kept = open("kept", false, 100);
        Coordinator evicting = open("evicting", true, 100);
        for (Coordinator c : List.of(kept, evicting)) {
            c.experiments().create(spec("same", "tpe"));
            c.experiments().create(spec("other", "random"));
        }
        var keptParams = new ArrayList<Map<String, Object>>();
        var evictedParams = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 30; i++) {
            for (var pair : List.of(Map.entry(kept, keptParams), Map.entry(evicting, evictedParams))) {
                Coordinator c = pair.getKey();
                TrialProposal p = c.experiments().ask(i % 3 == 0 ? "other" : "same");
                pair.getValue().add(p.params());
                c.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", loss(p.params()))));
                c.leases().reapQuietly();
            }
            assertThat(evicting.queries().loadedExperiments()).isZero();
        }
        assertThat(kept.queries().loadedExperiments()).isEqualTo(2);
        assertThat(evictedParams).isEqualTo(keptParams);
    }

    @Test
    void aTrialUnderALeaseKeepsItsExperimentLoadedAndATrialAskedBeforeAnEvictionIsToldAfter() {
        Coordinator c = open("leases", true, 100);
        c.experiments().create(spec("leased", "random"));
        TrialProposal leased = c.experiments().ask("leased", true);
        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).as("its lease must expire in memory, where the reaper sees it").isEqualTo(1);
        c.experiments().tell(leased.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.5), null, null, leased.leaseId(), null));

        TrialProposal open = c.experiments().ask("leased");
        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).as("a trial without a lease lives in the database alone").isZero();
        assertThat(c.experiments().tell(open.id(), TrialResult.complete(Map.of("loss", 0.25))).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(c.queries().experiment("leased").summary().best()).containsEntry("loss", 0.25);
    }

    @Test
    void anExperimentWithATaskOrALeaseStaysLoadedAndIsLoadedAtTheStartSoWorkersAndTheReaperFindIt() {
        Coordinator c = open("tasks", true, 1);
        c.experiments().create(ExperimentSpec.builder("tabular").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                .trials(3).task(Map.of("dataset", Map.of("name", "iris"))).build());
        c.experiments().create(spec("idle", "random"));
        c.leases().reapQuietly();
        assertThat(c.queries().loadedExperiments()).as("the RUNNING experiment with a task, for workers").isEqualTo(1);

        storages.closeLast();
        Coordinator restarted = open("tasks", true, 1);
        assertThat(restarted.queries().loadedExperiments()).isEqualTo(1);
        var lease = restarted.leases().lease(new io.tunelab.api.LeaseRequest("w:1", List.of("dl4j"), 0)).orElseThrow();
        assertThat(lease.experimentName()).isEqualTo("tabular");
        restarted.experiments().pause("tabular");
        restarted.leases().reapQuietly();
        assertThat(restarted.queries().loadedExperiments()).as("PAUSED, but its trial is leased").isEqualTo(1);

        storages.closeLast();
        Coordinator again = open("tasks", true, 1);
        assertThat(again.queries().loadedExperiments()).as("found at the start by its leased trial").isEqualTo(1);
        again.leases().heartbeat(lease.trial().id(), lease.leaseId());
    }

    @Test
    void anExperimentWhoseWinnersFinalizationWaitsIsLoadedAtTheStartAndAPausedOneWithATaskIsNot() {
        Coordinator c = open("finalizing", true, 100);
        for (String name : List.of("finalizing", "paused")) {
            c.experiments().create(ExperimentSpec.builder(name).maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                    .trials(2).task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
        }
        for (int i = 0; i < 2; i++) {
            TrialProposal p = c.experiments().ask("finalizing");
            c.experiments().tell(p.id(), TrialResult.complete(Map.of("accuracy", 0.9 + i / 100.0)));
        }
        c.experiments().pause("paused");
        assertThat(c.finalizations().of("finalizing").state()).isEqualTo(TrialState.WAITING);

        storages.closeLast();
        Coordinator restarted = open("finalizing", true, 100);
        assertThat(restarted.queries().loadedExperiments()).as("the winner's finalization waits for a worker").isEqualTo(1);
        restarted.leases().reapQuietly();
        assertThat(restarted.queries().loadedExperiments()).as("pinned while it waits").isEqualTo(1);
        assertThat(restarted.finalizations().of("finalizing").state()).isEqualTo(TrialState.WAITING);
    }

    @Test
    void theBoundKeepsTheMostRecentlyUsedAndEveryExperimentStaysReachable() {
        Coordinator c = open("bound", false, 2);
        for (int i = 0; i < 5; i++) {
            c.experiments().create(spec("e" + i, "random"));
            sweep(c, "e" + i, 3);
        }
        assertThat(c.queries().loadedExperiments()).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            assertThat(c.queries().trials("e" + i, TrialQuery.all()).total()).isEqualTo(3);
            assertThat(c.queries().loadedExperiments()).isLessThanOrEqualTo(2);
        }
        assertThat(c.queries().summaries()).extracting(s -> s.trials().values().stream().mapToInt(Integer::intValue).sum())
                .containsExactly(3, 3, 3, 3, 3);
    }

    @Test
    void anEvictedExperimentKeepsItsNameCanBeRenamedAndDeletedAndItsNameStaysTaken() {
        Coordinator c = open("names", true, 100);
        long id = c.experiments().create(spec("first", "random")).id();
        sweep(c, "first", 2);
        c.leases().reapQuietly();
        assertThatThrownBy(() -> c.experiments().create(spec("first", "random")))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));
        c.leases().reapQuietly();
        c.catalog().update("first", new io.tunelab.api.ExperimentPatch("second", null, null, null, null, null), null);
        c.leases().reapQuietly();
        assertThat(c.queries().experiment("second").id()).isEqualTo(id);
        assertThat(c.queries().experiment(Long.toString(id)).name()).isEqualTo("second");
        assertThatThrownBy(() -> c.queries().experiment("first")).isInstanceOf(TunelabException.class);
        c.experiments().stop("second");
        c.leases().reapQuietly();
        c.catalog().delete("second", null);
        assertThat(c.queries().summaries()).isEmpty();
        assertThatThrownBy(() -> c.queries().experiment("second")).isInstanceOf(TunelabException.class);
    }
}
