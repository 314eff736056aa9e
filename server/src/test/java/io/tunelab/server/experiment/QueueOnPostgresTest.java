package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.WarmStart;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enqueue, warm start and import with two coordinators on one PostgreSQL database: a queued
 * configuration is handed out once whichever coordinator is asked, even by one that has not yet
 * heard of it, and imported trials are the history of both.
 */
class QueueOnPostgresTest {
    @RegisterExtension
    final Storages storages = new Storages();

    private static Database database() {
        return Storages.newPostgresDatabase("queue");
    }

    private Coordinator coordinator(Database db) {
        Storage storage = storages.open(db);
        return Coordinator.open(storage, Instant::now, Events.NONE, new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)),
                null);
    }

    private static ExperimentSpec.Builder spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).strategy("tpe").seed(7L).trials(100);
    }

    @Test
    void eachQueuedConfigurationIsHandedOutOnceWhicheverCoordinatorIsAsked() throws Exception {
        Database db = database();
        Coordinator a = coordinator(db);
        Coordinator b = coordinator(db);
        a.experiments().create(spec("shared").build());
        var enqueued = new ArrayList<Long>();
        for (int i = 0; i < 16; i++) {
            enqueued.add(a.queue().enqueue("shared", Map.of("x", i / 16.0), null).id());
        }
        // B asks at once, before any notice of A's writes can have reached it: its step catches up first.
        TrialProposal first = b.experiments().ask("shared");
        assertThat(first.id()).isEqualTo(enqueued.getFirst());

        List<Long> handedOut = new ArrayList<>(List.of(first.id()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var asks = new ArrayList<Future<TrialProposal>>();
            for (int i = 0; i < 15; i++) {
                Coordinator asked = i % 2 == 0 ? a : b;
                asks.add(pool.submit(() -> asked.experiments().ask("shared")));
            }
            for (Future<TrialProposal> f : asks) {
                handedOut.add(f.get().id());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(handedOut).containsExactlyInAnyOrderElementsOf(enqueued);
        assertThat(a.queue().queued("shared")).isEmpty();
        assertThat(b.queue().queued("shared")).isEmpty();
        TrialProposal proposed = a.experiments().ask("shared");
        assertThat(enqueued).doesNotContain(proposed.id());
        assertThat(proposed.number()).isEqualTo(16);
    }

    @Test
    void warmStartedAndImportedTrialsAreTheHistoryOfBothCoordinators() {
        Database db = database();
        Coordinator a = coordinator(db);
        Coordinator b = coordinator(db);
        a.experiments().create(spec("source").build());
        for (int i = 0; i < 4; i++) {
            TrialProposal p = a.experiments().ask("source");
            a.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", (double) i)));
        }
        b.experiments().create(spec("warm").warmStart(WarmStart.of("source", 2)).build());
        TrialImport imported = b.imports().importCsv("warm", "params_x,values_loss\r\n0.5,0.25\r\n", null);
        assertThat(imported.imported()).isEqualTo(1);

        TrialProposal next = a.experiments().ask("warm");
        List<Trial> seenByA = a.queries().trials("warm", TrialQuery.all()).trials();
        assertThat(next.number()).as("numbers 0 to 2 are the imported trials: %s", seenByA).isEqualTo(3);
        assertThat(seenByA).hasSize(4).filteredOn(TrialImports::isImported).extracting(Trial::number).containsExactly(0, 1, 2);
        assertThat(seenByA.getFirst().values()).as("the best of the source, caught up by B before copying").containsEntry("loss", 0.0);
    }
}
