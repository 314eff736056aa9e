package io.tunelab.server.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage contract on H2 files in a temporary data directory. */
class JdbcStorageTest extends StorageContract {
    @TempDir
    Path dir;

    @Override
    protected Storage open() {
        return JdbcStorage.openDataDirectory(dir);
    }

    @Override
    protected Storage reopen(Storage storage) {
        storage.close();
        return JdbcStorage.openDataDirectory(dir);
    }

    @Test
    void theEmbeddedDatabaseOpensWithH2sCacheOfValuesOff() {
        open().close();
        // Whether H2 read it depends on what loaded H2 first in this JVM; the server's own process loads it through the dialect.
        assertThat(System.getProperty("h2.objectCache")).isEqualTo("false");
    }

    @Test
    void theEmbeddedDatabaseKeepsAPageCacheOfOneMegabyte() throws SQLException {
        Storage s = open();
        // Another session of the same open database (one H2 database per file in a JVM) sees its settings.
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("tunelab"), JdbcStorage.H2_USER, "");
             var rs = c.createStatement().executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("MB").isEqualTo(H2Dialect.CACHE_KB / 1024);
        } finally {
            s.close();
        }
    }

    @Test
    void textInItsRowAndTextInTheLobStoreBothReadBackWholeAfterReopening() throws SQLException {
        Storage s = open();
        String inRow = "a".repeat(H2Dialect.IN_ROW_LOB_BYTES - 100);
        String beyond = "b".repeat(3 * H2Dialect.IN_ROW_LOB_BYTES);
        s.write(c -> {
            c.putAnswer("in-row", "tell:1", inRow, Instant.now());
            c.putAnswer("beyond", "tell:2", beyond, Instant.now());
        });
        s = reopen(s);
        assertThat(s.answer("in-row")).contains(inRow);
        assertThat(s.answer("beyond")).contains(beyond);
        s.close();
        // The limit is the database's own setting: whoever opens the file finds it.
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("tunelab"), JdbcStorage.H2_USER, "");
             var rs = c.createStatement().executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = 'MAX_LENGTH_INPLACE_LOB'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(H2Dialect.IN_ROW_LOB_BYTES);
        }
    }

    @Test
    void aCleanCloseRewritesAFileOfMostlyDeadChunksAndEverythingReadsBack() throws Exception {
        // Some 40 MB, mostly dead: more than H2's own 200 ms of compaction at close gets through.
        H2CompactionKillTest.sparseDatabase(dir, 5_000);
        Path file = H2Dialect.file(dir);
        long before = Files.size(file);

        JdbcStorage.openDataDirectory(dir).close();

        assertThat(Files.size(file)).as("bytes after the clean close, %,d before", before).isLessThan(before / 4);
        assertThat(H2Compaction.compactIfSparse(file)).as("nothing left to rewrite").isFalse();
        assertThat(H2CompactionKillTest.rows(dir)).isEqualTo(5_000);
    }

    @Test
    void aRewriteStoppedPartWayLeavesTheFileWholeAndItsLeftoversAreDeletedAtTheNextOpen() throws Exception {
        Storage s = open();
        s.write(c -> c.putAnswer("kept", "tell:1", "kept", Instant.now()));
        s.close();
        Path file = H2Dialect.file(dir);
        // What a kill during the rewrite leaves: the copy, and the file MVStoreTool was writing beside it.
        Path copy = file.resolveSibling(file.getFileName() + ".compacting");
        Path partial = copy.resolveSibling(copy.getFileName() + ".tempFile");
        Files.write(copy, new byte[]{1, 2, 3});
        Files.write(partial, new byte[]{4, 5});

        s = JdbcStorage.openDataDirectory(dir);

        assertThat(s.answer("kept")).contains("kept");
        assertThat(copy).doesNotExist();
        assertThat(partial).doesNotExist();
        s.close();
    }
}
