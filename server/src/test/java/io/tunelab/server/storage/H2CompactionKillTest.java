package io.tunelab.server.storage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rewrite of a database file without its dead space ({@link H2Compaction}) killed with
 * SIGKILL at moments spread over it, many times: every time the next open finds every row, and
 * nothing of the rewrite is left beside the file.
 */
@Tag("slow")
class H2CompactionKillTest {
    private static final int ROWS = 3_000;
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    void aRewriteKilledAtAnyMomentLeavesEveryRowReadable() throws Exception {
        Path pristine = sparseDatabase(dir.resolve("pristine"), ROWS);
        assertThat(H2Compaction.chunkFillPercent(H2Dialect.file(pristine))).isLessThan(H2Compaction.MAX_CHUNK_FILL_PERCENT);

        Path untouched = copy(pristine, dir.resolve("untouched"));
        long whole = run(untouched, Long.MAX_VALUE);
        assertThat(Files.size(H2Dialect.file(untouched))).as("the rewrite left alone: a file of live data only")
                .isLessThan(Files.size(H2Dialect.file(pristine)) / 4);
        assertThat(H2Compaction.chunkFillPercent(H2Dialect.file(untouched))).isGreaterThanOrEqualTo(H2Compaction.MAX_CHUNK_FILL_PERCENT);
        var random = new SplittableRandom(7);
        int interrupted = 0;
        for (int k = 0; k < KILLS; k++) {
            Path data = copy(pristine, dir.resolve("kill-" + k));
            long after = random.nextLong(whole + whole / 4);
            if (run(data, after) < 0) {
                interrupted++;
            }
            assertThat(rows(data)).as("rows after a kill %d ms into the rewrite", after).isEqualTo(ROWS);
            try (var leftovers = Files.list(data)) {
                assertThat(leftovers.map(p -> p.getFileName().toString())).as("files after the next open").doesNotContain(
                        "tunelab.mv.db.compacting", "tunelab.mv.db.compacting.tempFile", "tunelab.mv.db.compacting.newFile");
            }
        }
        System.out.printf("rewrite of %,d bytes takes %d ms in a fresh process; %d of %d runs killed before it ended%n",
                Files.size(H2Dialect.file(pristine)), whole, interrupted, KILLS);
        assertThat(interrupted).as("runs the kill cut short").isGreaterThan(KILLS / 4);
    }

    /** A data directory whose file is mostly dead chunks: {@code rows} rows of table filler, each in its own commit, H2's compaction at close off. */
    static Path sparseDatabase(Path data, int rows) throws SQLException {
        JdbcStorage.openDataDirectory(data).close();
        try (Connection c = DriverManager.getConnection(H2Dialect.url(data) + ";MAX_COMPACT_TIME=0", JdbcStorage.H2_USER, "");
             var s = c.createStatement()) {
            s.execute("CREATE TABLE filler (id INT PRIMARY KEY, body VARCHAR(400))");
            try (var insert = c.prepareStatement("INSERT INTO filler VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row " + i + " " + "x".repeat(300));
                    insert.executeUpdate();
                }
            }
        }
        return data;
    }

    /** Runs the rewrite in a new process, killed after {@code killAfterMs}; answers its duration, or -1 when killed first. */
    private static long run(Path data, long killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), H2CompactionChild.class.getName(),
                H2Dialect.file(data).toString()).redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile())
                .start();
        long t0 = System.nanoTime();
        if (p.waitFor(Math.min(killAfterMs, 120_000), TimeUnit.MILLISECONDS)) {
            assertThat(p.exitValue()).as("the rewrite's exit status (log: %s.log)", data).isZero();
            return (System.nanoTime() - t0) / 1_000_000;
        }
        p.destroyForcibly().waitFor();
        return -1;
    }

    /** The rows of table filler as a start finds them (each distinct), after opening the data directory as the server does. */
    static long rows(Path data) throws SQLException {
        JdbcStorage.openDataDirectory(data).close();
        try (Connection c = DriverManager.getConnection(H2Dialect.url(data), JdbcStorage.H2_USER, "");
             var rs = c.createStatement().executeQuery("SELECT COUNT(*), COUNT(DISTINCT body) FROM filler")) {
            rs.next();
            assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1));
            return rs.getLong(1);
        }
    }

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
