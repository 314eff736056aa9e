package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Database;
import io.tunelab.server.storage.SharedDatabase;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a coordinator's steps meet another coordinator's turn at an experiment's lock on
 * PostgreSQL: the steps that arrive while the other holds it all go into this coordinator's next
 * transaction, and a catch-up that only reads does not wait for the lock at all.
 */
class SharedStepsTest {
    private static final int ASKS = 8;

    @RegisterExtension
    final Storages storages = new Storages();

    private Coordinator coordinator(Database db) {
        return Coordinator.open(storages.open(db), Instant::now, Events.NONE, new CoordinatorConfig(Duration.ofSeconds(30), 2, Duration.ofHours(1)), null);
    }

    private static Database database() {
        return Storages.newPostgresDatabase("steps");
    }

    private static ExperimentSpec spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).param("y", FloatParam.of(-1, 1))
                .strategy("random").seed(3L).trials(100).build();
    }

    /** Holds the experiment's lock in the database, as another coordinator's turn would, until released. */
    private static final class Turn implements AutoCloseable {
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean over = new AtomicBoolean();
        private final Thread thread;

        Turn(SharedDatabase db, long experimentId) throws InterruptedException {
            thread = Thread.ofPlatform().start(() -> db.locked(experimentId, tx -> {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                over.set(true);
                return null;
            }));
            assertThat(holding.await(60, TimeUnit.SECONDS)).as("the experiment's lock was taken").isTrue();
        }

        boolean over() {
            return over.get();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            thread.join();
        }
    }

    @Test
    void theStepsThatArriveWhileAnotherCoordinatorHoldsTheLockShareOneTransaction() throws Exception {
        Database db = database();
        Coordinator a = coordinator(db);
        Coordinator b = coordinator(db);
        a.experiments().create(spec("turns"));
        b.experiments().ask("turns"); // the experiment runs, and b holds it
        long id = a.queries().experiment("turns").id();
        SharedDatabase shared = storages.get(0).shared().orElseThrow();
        long before;
        var proposals = new CopyOnWriteArrayList<TrialProposal>();
        var asks = new ArrayList<Thread>();
        try (var turn = new Turn(shared, id)) {
            before = shared.revision(id);
            for (int i = 0; i < ASKS; i++) {
                asks.add(Thread.ofPlatform().start(() -> proposals.add(b.experiments().ask("turns"))));
            }
            // One ask waits for the database's lock; the others wait for it here, behind it.
            waitFor(() -> asks.stream().filter(t -> waitsIn(t, "lock")).count() == 1
                    && asks.stream().filter(t -> t.getState() == Thread.State.WAITING && waitsIn(t, "run")).count() == ASKS - 1);
            assertThat(turn.over()).isFalse();
        }
        for (Thread t : asks) {
            t.join();
        }
        assertThat(proposals).hasSize(ASKS);
        assertThat(proposals).extracting(TrialProposal::number).doesNotHaveDuplicates();
        // One transaction for all of them: one new revision, not one a step.
        assertThat(shared.revision(id)).isEqualTo(before + 1);
    }

    @Test
    void aReadOnAnotherCoordinatorCatchesUpWithoutWaitingForTheExperimentsLock() throws Exception {
        Database db = database();
        Coordinator a = coordinator(db);
        Coordinator b = coordinator(db);
        a.experiments().create(spec("reads"));
        b.queries().experiment("reads");
        TrialProposal p = a.experiments().ask("reads");
        a.experiments().tell(p.id(), TrialResult.complete(Map.of("loss", 0.5)));
        long id = a.queries().experiment("reads").id();
        SharedDatabase shared = storages.get(0).shared().orElseThrow();
        // A change b is not told of (its notice is one b ignores), so that b is behind for sure.
        shared.locked(id, tx -> {
            tx.stamp(tx.revision() + 1, List.of(), "unannounced");
            return null;
        });
        Trial read;
        try (var turn = new Turn(shared, id)) {
            read = b.queries().trial(p.id());
            assertThat(turn.over()).as("the read returned while the lock was held").isFalse();
        }
        assertThat(read.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(read.values()).containsEntry("loss", 0.5);
    }

    @Test
    void aSnapshotOnlyReadsAndKnowsOnlyStoredExperiments() {
        Database db = database();
        Coordinator a = coordinator(db);
        a.experiments().create(spec("snapshot"));
        long id = a.queries().experiment("snapshot").id();
        SharedDatabase shared = storages.get(0).shared().orElseThrow();
        String name = shared.snapshot(id, tx -> tx.experiment().name());
        assertThat(name).isEqualTo("snapshot");
        assertThatThrownBy(() -> shared.snapshot(id, tx -> tx.changes()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only reads");
        assertThatThrownBy(() -> shared.snapshot(id + 1000, tx -> tx.revision()))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        Optional<String> stored = shared.name(id);
        Optional<String> none = shared.name(id + 1000);
        assertThat(stored).hasValue("snapshot");
        assertThat(none).isEmpty();
    }

    private static boolean waitsIn(Thread t, String method) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method)
                && (f.getClassName().endsWith("SharedSteps") || f.getClassName().endsWith("LockedTransaction")));
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the asks came to wait at the experiment's lock").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
