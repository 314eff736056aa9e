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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded database's writer on a real H2 database in memory: writes queued while a group
 * commits share the next commit, and a bad write in a group fails its own caller alone.
 */
class GroupCommitWriterTest {
    private GroupCommitWriter writer;

    @BeforeEach
    void start() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:h2:mem:group-commit-" + System.nanoTime(), "sa", "");
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE row_of (n INT PRIMARY KEY)");
        }
        writer = GroupCommitWriter.start(connection, c -> { }, Connection::close);
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

        assertThat(writer.counts()).isEqualTo(new Storage.GroupCommits(2, 51));
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
