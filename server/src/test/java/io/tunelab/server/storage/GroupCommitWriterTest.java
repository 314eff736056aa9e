package io.tunelab.server.storage;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded database's writer on a real H2 database in memory: writes queued while a group
 * commits share the next commit, a bad write in a group fails its own caller alone, and with a
 * sync (as {@code --durability fsync} has) each group is answered only after a sync that began
 * after its commit, while the writer commits the next groups.
 */
class GroupCommitWriterTest {
    private GroupCommitWriter writer;

    @BeforeEach
    void start() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:h2:mem:group-commit-" + System.nanoTime(), "sa", "");
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE row_of (n INT PRIMARY KEY)");
        }
        writer = GroupCommitWriter.start(connection, null, Connection::close);
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    @Test
    void writesQueuedWhileAGroupCommitsShareTheNextCommit() throws Exception {
        var inFirstGroup = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        CompletableFuture<Void> first = writer.submit(c -> {
            inFirstGroup.countDown();
            await(release);
            insert(c, 0);
        });
        assertThat(inFirstGroup.await(10, TimeUnit.SECONDS)).isTrue();
        var queued = new ArrayList<CompletableFuture<Void>>();
        for (int n = 1; n <= 50; n++) {
            int row = n;
            queued.add(writer.submit(c -> insert(c, row)));
        }
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var f : queued) {
            f.get(10, TimeUnit.SECONDS);
        }

        assertThat(writer.counts()).isEqualTo(new Storage.GroupCommits(2, 51, 0));
        assertThat(rows()).isEqualTo(51);
    }

    @Test
    void aBadWriteInAGroupFailsItsOwnCallerAlone() throws Exception {
        var release = new CountDownLatch(1);
        CompletableFuture<Void> blocker = writer.submit(c -> await(release));
        List<CompletableFuture<Void>> group = List.of(
                writer.submit(c -> insert(c, 1)),
                writer.submit(c -> insert(c, 1)), // the same key again: refused by the primary key
                writer.submit(c -> insert(c, 2)));
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);

        group.get(0).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> group.get(1).join()).hasCauseInstanceOf(TunelabException.class)
                .hasMessageContaining("storage write failed");
        group.get(2).get(10, TimeUnit.SECONDS);
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void withASyncEachGroupIsAnsweredAfterASyncThatBeganAfterItsCommitAndTheWriterCommitsOnMeanwhile() throws Exception {
        var syncing = new LinkedBlockingQueue<CountDownLatch>(); // each sync's release, handed over as it starts
        var events = new ConcurrentLinkedQueue<String>();
        var synced = startWithSync(() -> {
            var release = new CountDownLatch(1);
            events.add("sync");
            syncing.add(release);
            await(release);
        });
        try {
            CompletableFuture<Void> first = synced.submit(c -> insert(c, 1)).thenRun(() -> events.add("first"));
            CountDownLatch firstSync = syncing.poll(10, TimeUnit.SECONDS);
            assertThat(firstSync).as("the first group's sync started").isNotNull();

            // While that sync waits for the disk, the writer commits the next group, which the sync began too early for.
            CompletableFuture<Void> second = synced.submit(c -> insert(c, 2)).thenRun(() -> events.add("second"));
            awaitCounts(synced, 2);
            assertThat(first).as("not answered before its sync ends").isNotDone();
            assertThat(second).isNotDone();

            firstSync.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertThat(second).as("committed during the first sync: waits for one that began after its commit").isNotDone();
            CountDownLatch secondSync = syncing.poll(10, TimeUnit.SECONDS);
            assertThat(secondSync).isNotNull();
            secondSync.countDown();
            second.get(10, TimeUnit.SECONDS);

            assertThat(List.copyOf(events)).containsExactly("sync", "first", "sync", "second");
            assertThat(synced.counts()).isEqualTo(new Storage.GroupCommits(2, 2, 2));
        } finally {
            syncing.forEach(CountDownLatch::countDown);
            synced.close();
        }
    }

    @Test
    void aFailedSyncFailsTheCallersOfTheGroupsItWasForAndTheNextSyncAnswersTheNextGroups() throws Exception {
        var failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        var synced = startWithSync(() -> {
            if (failNext.getAndSet(false)) {
                throw new java.io.IOException("No space left on device");
            }
        });
        try {
            CompletableFuture<Void> unsynced = synced.submit(c -> insert(c, 1));
            assertThatThrownBy(() -> unsynced.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TunelabException.class)
                    .hasMessageContaining("storage write failed").hasMessageContaining("No space left on device");
            synced.submit(c -> insert(c, 2)).get(10, TimeUnit.SECONDS);
            assertThat(synced.counts().syncs()).as("only the sync that succeeded").isEqualTo(1);
        } finally {
            synced.close();
        }
    }

    @Test
    void aWriteFromAStepChainedToASyncedGroupIsRefusedRatherThanWaitingForItself() throws Exception {
        var synced = startWithSync(() -> { });
        try {
            CompletableFuture<Void> chained = synced.submit(c -> insert(c, 1)).thenRun(() -> synced.write(c -> insert(c, 2)));
            assertThatThrownBy(() -> chained.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sync thread would wait for itself");
        } finally {
            synced.close();
        }
    }

    @Test
    void closeCommitsSyncsAndAnswersEverythingQueued() throws Exception {
        var release = new CountDownLatch(1);
        var synced = startWithSync(() -> await(release));
        var queued = new ArrayList<CompletableFuture<Void>>();
        for (int n = 1; n <= 20; n++) {
            int row = n;
            queued.add(synced.submit(c -> insert(c, row)));
        }
        var closing = Thread.ofPlatform().start(synced::close);
        release.countDown();
        closing.join(10_000);
        for (var f : queued) {
            assertThat(f).isCompleted(); // answered before close returned, none failed
        }
        assertThat(synced.counts().writes()).isEqualTo(20);
    }

    /** A writer on a database of its own with {@code sync} run after its commits. */
    private static GroupCommitWriter startWithSync(GroupCommitWriter.Sync sync) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:h2:mem:group-commit-sync-" + System.nanoTime(), "sa", "");
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE row_of (n INT PRIMARY KEY)");
        }
        return GroupCommitWriter.start(connection, sync, Connection::close);
    }

    /** Waits until {@code w} has committed {@code commits} groups. */
    private static void awaitCounts(GroupCommitWriter w, long commits) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (w.counts().commits() < commits && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(w.counts().commits()).isEqualTo(commits);
    }

    private static void insert(Connection c, int n) throws SQLException {
        try (var statement = c.prepareStatement("INSERT INTO row_of (n) VALUES (?)")) {
            statement.setInt(1, n);
            statement.executeUpdate();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The rows committed, read by the writer itself so that nothing but its commits is seen. */
    private int rows() throws Exception {
        var count = new int[1];
        writer.write(c -> {
            try (var statement = c.createStatement(); var result = statement.executeQuery("SELECT COUNT(*) FROM row_of")) {
                result.next();
                count[0] = result.getInt(1);
            }
        });
        return count[0];
    }
}
