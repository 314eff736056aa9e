package io.tunelab.server.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract on H2 files with {@code --durability fsync}: every write answered only
 * after an fsync of the database file, made on the writer's sync thread while it commits on.
 */
class JdbcStorageFsyncTest extends StorageContract {
    @TempDir
    Path dir;

    @Override
    protected Storage open() {
        return JdbcStorage.openDataDirectory(dir, Durability.FSYNC);
    }

    @Override
    protected Storage reopen(Storage storage) {
        storage.close();
        return JdbcStorage.openDataDirectory(dir, Durability.FSYNC);
    }

    @Test
    void everyAnsweredWriteWasCoveredByAnFsyncAndFewerFsyncsThanCommitsMayCoverThem() {
        Storage s = open();
        try {
            var before = s.groupCommits().orElseThrow();
            for (int i = 0; i < 20; i++) {
                int n = i;
                s.write(c -> c.putAnswer("fsync-" + n, "tell:" + n, "{}", Instant.now()));
                var now = s.groupCommits().orElseThrow();
                // Answered: the commit that carried it was synced, so there is a sync for each commit since the first.
                assertThat(now.syncs() - before.syncs()).as("syncs after write %d", n).isPositive()
                        .isLessThanOrEqualTo(now.commits() - before.commits());
            }
        } finally {
            s.close();
        }
    }

    @Test
    void theSyncIsTheOpenFilesOwnAndThereIsNoneWithDurabilityProcess() throws SQLException {
        Storage s = JdbcStorage.openDataDirectory(dir, Durability.PROCESS);
        s.close();
        // A database file the way the server opens it, and another session on it as the writer would have.
        try (Connection writer = DriverManager.getConnection(H2Dialect.url(dir), JdbcStorage.H2_USER, "")) {
            assertThat(H2Dialect.INSTANCE.sync(writer, Durability.PROCESS)).isNull();
            GroupCommitWriter.Sync sync = H2Dialect.INSTANCE.sync(writer, Durability.FSYNC);
            assertThat(sync).isNotNull();
            org.assertj.core.api.Assertions.assertThatCode(sync::run).doesNotThrowAnyException();
        }
    }

    @Test
    void aDatabaseNotInOnePlainFileIsRefusedFsyncRatherThanAnsweredAsSynced() throws SQLException {
        try (Connection memory = DriverManager.getConnection("jdbc:h2:mem:fsync-" + System.nanoTime(), "sa", "")) {
            assertThatThrownBy(() -> H2Dialect.INSTANCE.sync(memory, Durability.FSYNC)).isInstanceOf(SQLException.class)
                    .hasMessage("--durability fsync needs the database in one plain file, and this one is in memory");
        }
    }
}
