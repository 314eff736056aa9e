package io.tunelab.server.storage;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.SingleFileStore;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The embedded H2 database: its upserts are {@code MERGE ... KEY}; commits reach the file
 * before they return ({@code WRITE_DELAY=0}), and {@link Durability#FSYNC} forces the file to
 * the disk after each group (on the writer's sync thread, {@link #sync}). A data directory's file is recovered before it is opened
 * ({@link H2Recovery}). Text and bytes up to {@link #IN_ROW_LOB_BYTES} live in their row: H2's
 * default of 256 bytes put nearly every trial's provenance and every stored request answer in its
 * separate LOB store, which cost more per write than the row itself (a profile of ask+tell under
 * load: an answer's insert cost as much as the trial's insert and update together).
 *
 * <p>H2's cache of values ({@code h2.objectCache}) is off unless the JVM is started with it: it
 * hashed every string bound to a statement to look for an equal one, every answer and trial row
 * written, and found none (1.6% of the server's CPU samples under 16 clients, 4% of the storage
 * writer's). It holds nothing but copies of immutable values, so nothing read or written changes.
 */
final class H2Dialect implements Dialect {
    static {
        // Read once, when H2 first loads its settings: before any H2 class is used through this dialect.
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
    }

    static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
    }

    /** The longest CLOB or BLOB value (in bytes) that is stored in its row rather than in the LOB store. */
    static final int IN_ROW_LOB_BYTES = 16_384;

    /**
     * H2's page cache, in kB: 1 MB instead of its 16 MB. MVStore caches every page it writes, and
     * a copy-on-write tree writes new pages at every commit, so a large cache is a stream of pages
     * that outlive a young collection only to die in the old generation; the server serves its
     * trials from memory and reads few pages back. Adopted by a rule written before its runs
     * (experiments/PERFORMANCE.md, 2026-12-04 late evening): in three alternated pairs the
     * server's longest young pause 25–29 ms against 44–56, their sum 512–639 ms against 916–1,008,
     * its CPU per trial and the rates within the rule; three more pairs after: the pauses again
     * shorter in each, CPU and rates up in some pairs and down in others.
     */
    static final int CACHE_KB = 1024;

    /**
     * The URL of the database file in a data directory; {@link #recover} it before connecting.
     * H2 keeps the in-row limit in the database, so values written before it was raised stay
     * where they are and read back as before.
     */
    static String url(Path dataDir) {
        // DB_CLOSE_ON_EXIT=FALSE: the server closes the database itself when told to stop, after
        // its last writes (the catalog's summaries); H2's own hook would close it first.
        return "jdbc:h2:file:" + base(dataDir) + ";WRITE_DELAY=0;PAGE_SIZE=4096;DB_CLOSE_ON_EXIT=FALSE;MAX_LENGTH_INPLACE_LOB="
                + IN_ROW_LOB_BYTES + ";CACHE_SIZE=" + CACHE_KB;
    }

    /** Brings the data directory's database file to its newest committed state, if it exists. */
    static void recover(Path dataDir) throws IOException {
        H2Compaction.cleanUp(file(dataDir));
        H2Recovery.recover(file(dataDir));
    }

    /** The database file in a data directory. */
    static Path file(Path dataDir) {
        return base(dataDir).resolveSibling("tunelab.mv.db");
    }

    private static Path base(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("tunelab");
    }

    @Override
    public String migrations() {
        return "h2";
    }

    @Override
    public Map<String, String> columnTypes() {
        return Map.of("text", "CLOB", "bytes", "BLOB");
    }

    @Override
    public String upsertReport() {
        return "MERGE INTO report (trial_id, step, metric_values, reported_at) KEY (trial_id, step) VALUES (?, ?, ?, ?)";
    }

    @Override
    public String upsertModel() {
        return "MERGE INTO model (trial_id, content, stored_at) KEY (trial_id) VALUES (?, ?, ?)";
    }

    /**
     * The coordinator of an embedded database counts ids in memory from the largest stored one,
     * so a deleted experiment's ids are kept in the (otherwise unused) sequences. ALTER SEQUENCE
     * does not end the writer's transaction; a rollback leaves the raised value, which only skips ids.
     */
    @Override
    public void keepIssued(Connection connection, String sequence, long upTo) throws SQLException {
        try (var read = connection.prepareStatement(issued(sequence)); var rs = read.executeQuery()) {
            if (rs.next() && rs.getLong(1) >= upTo) {
                return;
            }
        }
        try (var raise = connection.createStatement()) {
            raise.execute("ALTER SEQUENCE " + sequence + " RESTART WITH " + (upTo + 1));
        }
    }

    @Override
    public String issued(String sequence) {
        return "SELECT BASE_VALUE - 1 FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = '"
                + sequence.toUpperCase(java.util.Locale.ROOT) + "'";
    }

    /**
     * Closes the database itself, not only the writer's session: a session still open elsewhere in
     * the process (a read the stop cut short) would keep the file open and locked, and a clean stop
     * rewrites the file once it is closed ({@link H2Compaction}).
     */
    @Override
    public void closeWriter(Connection connection) throws SQLException {
        try (var shutdown = connection.createStatement()) {
            shutdown.execute("SHUTDOWN");
        } finally {
            connection.close();
        }
    }

    /**
     * With {@link Durability#FSYNC}, an fsync of the database file through the open store's own
     * file channel. It is what {@code CHECKPOINT SYNC} does after it stores pending changes,
     * which a commit here has stored already (every commit reaches the file before it returns),
     * but called on the store itself it needs no session: the sync thread runs it while the
     * writer's session commits the next group.
     */
    @Override
    public GroupCommitWriter.Sync sync(Connection writer, Durability durability) throws SQLException {
        if (durability != Durability.FSYNC) {
            return null;
        }
        MVStore store = ((SessionLocal) writer.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
        if (!(store.getFileStore() instanceof SingleFileStore file)) {
            // Any other store's sync does nothing: refuse rather than answer writes as synced that are not.
            throw new SQLException("--durability fsync needs the database in one plain file, and "
                    + (store.getFileStore() == null ? "this one is in memory" : store.getFileStore().getFileName() + " is not"));
        }
        return file::sync;
    }
}
