package io.tunelab.server.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link Storage} over JDBC: the embedded H2 database in a data directory by default, or
 * PostgreSQL.
 *
 * <p>On H2, writes go through a {@link GroupCommitWriter}: concurrent writes share one commit, and
 * each caller returns only once its changes are committed as durably as its {@link Durability}
 * asks. On PostgreSQL, which other coordinators may share, they go through {@link PostgresShared}
 * (see {@link #shared()}). The SQL is the same for every database but for what its {@link Dialect} says; rows are mapped
 * by {@link RowCodec}; the schema is brought up to date by {@link Migrations} at open. Reads
 * borrow connections from a small pool, so several run at once.
 */
public final class JdbcStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);
    /** The readers' pool: enough for the HTTP handlers' concurrent reads, few enough to share a PostgreSQL server. */
    private static final int READERS = 4;
    static final String H2_USER = "tunelab";

    // The SQL the codec's column lists make, built once.
    private final Dialect dialect;
    private final HikariDataSource readers;
    private final ExperimentIndex index;
    /** The one writer of a database this process alone writes (H2); null on PostgreSQL. */
    private final GroupCommitWriter writer;
    /** The writers of a database several coordinators share (PostgreSQL); null on H2. */
    private final PostgresShared shared;
    /** The writer's prepared statements, touched by the writer thread alone. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** The embedded database's file, rewritten at close when mostly dead ({@link H2Compaction}); null on PostgreSQL. */
    private final Path embeddedFile;

    private JdbcStorage(String url, String user, String password, Dialect dialect, Durability durability, Path embeddedFile)
            throws SQLException {
        this.dialect = dialect;
        this.embeddedFile = embeddedFile;
        this.readers = Pools.open("tunelab-readers", url, user, password, READERS, config -> { });
        this.index = new ExperimentIndex(readers);
        Connection writing = null;
        try {
            Migrations.apply(readers, dialect);
            if (dialect == PostgresDialect.INSTANCE) {
                this.shared = new PostgresShared(url, user, password, c -> new JdbcChanges(c, new HashMap<>(), dialect));
                this.writer = null;
            } else {
                writing = DriverManager.getConnection(url, user, password);
                dialect.prepareWriter(writing);
                this.writer = GroupCommitWriter.start(writing, dialect.sync(writing, durability), dialect::closeWriter);
                this.shared = null;
            }
        } catch (SQLException | RuntimeException e) {
            if (writing != null) {
                writing.close();
            }
            readers.close();
            throw e;
        }
    }

    /** Opens (creating and migrating if needed) the H2 database in a data directory, with {@link Durability#PROCESS}. */
    public static JdbcStorage openDataDirectory(Path dataDir) {
        return open(Database.embedded(dataDir), Durability.PROCESS);
    }

    /** Opens (recovering, creating and migrating if needed) the H2 database in a data directory. */
    public static JdbcStorage openDataDirectory(Path dataDir, Durability durability) {
        return open(Database.embedded(dataDir), durability);
    }

    /**
     * Opens a database, creating its schema or migrating it to this build's as needed: the
     * embedded H2 database in a data directory (creating the directory, recovering the file), or
     * a PostgreSQL database, which must exist already and belong to (or be writable by) the user.
     */
    public static JdbcStorage open(Database database, Durability durability) {
        return switch (database) {
            case Database.Embedded embedded -> openEmbedded(embedded.dataDir(), durability);
            case Database.Postgres postgres -> openPostgres(postgres, durability);
        };
    }

    private static JdbcStorage openPostgres(Database.Postgres pg, Durability durability) {
        try {
            return new JdbcStorage(pg.url(), pg.user(), pg.password(), PostgresDialect.INSTANCE, durability, null);
        } catch (TunelabException e) {
            throw e; // a refusal that says what is wrong already (a database of a newer release)
        } catch (SQLException | RuntimeException e) {
            throw OpenFailures.postgres(pg, e);
        }
    }

    private static JdbcStorage openEmbedded(Path dataDir, Durability durability) {
        try {
            Files.createDirectories(dataDir);
            H2Dialect.recover(dataDir);
            return new JdbcStorage(H2Dialect.url(dataDir), H2_USER, "", H2Dialect.INSTANCE, durability, H2Dialect.file(dataDir));
        } catch (TunelabException e) {
            throw e; // a refusal that says what is wrong already (a database of a newer release)
        } catch (SQLException | IOException | RuntimeException e) {
            throw OpenFailures.embedded(dataDir, e);
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void write(Consumer<Changes> changes) {
        if (shared != null) {
            shared.write(changes);
        } else {
            writer.write(connection -> changes.accept(new JdbcChanges(connection, statements, dialect)));
        }
    }

    /** On the embedded database, queued to the group-commit writer, whose thread completes the future. */
    @Override
    public CompletableFuture<Void> writeLater(Consumer<Changes> changes) {
        if (shared != null) {
            return Storage.super.writeLater(changes);
        }
        return writer.submit(connection -> changes.accept(new JdbcChanges(connection, statements, dialect)));
    }

    @Override
    public ExperimentIndex index() {
        return index;
    }

    @Override
    public Optional<SharedDatabase> shared() {
        return Optional.ofNullable(shared);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<StoredExperiment> experiments() {
        return rows("SELECT id, " + RowCodec.EXPERIMENT_COLUMNS + " FROM experiment ORDER BY id", ps -> { }, RowCodec::readExperiment);
    }

    @Override
    public List<StoredTrial> trials(long experimentId) {
        try (Connection c = readers.getConnection()) {
            return RowCodec.readTrials(c, experimentId, -1);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public long maxTrialId() {
        return maxIssued("trial", "trial_ids");
    }

    @Override
    public long maxExperimentId() {
        return maxIssued("experiment", "experiment_ids");
    }

    private long maxIssued(String table, String sequence) {
        long stored = firstColumn("SELECT COALESCE(MAX(id), 0) FROM " + table, ps -> { }, rs -> rs.getLong(1)).orElse(0L);
        String issued = dialect.issued(sequence);
        return issued == null ? stored : Math.max(stored, firstColumn(issued, ps -> { }, rs -> rs.getLong(1)).orElse(0L));
    }

    @Override
    public Optional<byte[]> model(long trialId) {
        return firstColumn("SELECT content FROM model WHERE trial_id = ?", ps -> ps.setLong(1, trialId), rs -> rs.getBytes(1));
    }

    @Override
    public boolean copyModel(long trialId, java.io.OutputStream out) throws IOException {
        try (Connection c = readers.getConnection()) {
            return ArtifactRows.copyFirst(c, "SELECT content FROM model WHERE trial_id = ?", ps -> ps.setLong(1, trialId), out);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public java.util.OptionalLong modelBytes(long trialId) {
        return firstColumn("SELECT OCTET_LENGTH(content) FROM model WHERE trial_id = ?", ps -> ps.setLong(1, trialId), rs -> rs.getLong(1))
                .map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty());
    }

    @Override
    public boolean copyFinalizationModel(long experimentId, java.io.OutputStream out) throws IOException {
        try (Connection c = readers.getConnection()) {
            return ArtifactRows.copyFirst(c, "SELECT content FROM finalization_model WHERE experiment_id = ?",
                    ps -> ps.setLong(1, experimentId), out);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public Optional<GroupCommits> groupCommits() {
        return writer == null ? Optional.empty() : Optional.of(writer.counts());
    }

    @Override
    public Optional<String> answer(String requestId) {
        return firstColumn("SELECT answer FROM request WHERE id = ?", ps -> ps.setString(1, requestId), rs -> rs.getString(1));
    }

    @Override
    public Optional<String> toldAnswer(long trialId, String requestId) {
        return firstColumn("SELECT told_answer FROM trial WHERE id = ? AND told_request = ?", ps -> {
            ps.setLong(1, trialId);
            ps.setString(2, requestId);
        }, rs -> rs.getString(1));
    }

    @Override
    public Optional<String> dataReport(long experimentId) {
        return experimentDocument("data_report", experimentId);
    }

    @Override
    public Optional<String> finalization(long experimentId) {
        return experimentDocument("finalization", experimentId);
    }

    @Override
    public Optional<String> labels(long experimentId) {
        return experimentDocument("labels", experimentId);
    }

    @Override
    public List<io.tunelab.api.Artifact> artifacts(long trialId) {
        try (Connection c = readers.getConnection()) {
            return ArtifactRows.list(c, trialId);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public boolean copyArtifactContent(String sha256, java.io.OutputStream out) throws IOException {
        try (Connection c = readers.getConnection()) {
            return ArtifactRows.copy(c, sha256, out);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    /** One JSON document column of an experiment's row. */
    private Optional<String> experimentDocument(String column, long experimentId) {
        return firstColumn("SELECT " + column + " FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId), rs -> rs.getString(1));
    }

    @FunctionalInterface
    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The first row's column of a query of one row at most; empty without a row or with NULL there. */
    private <T> Optional<T> firstColumn(String sql, Binder binder, Column<T> column) {
        try (Connection c = readers.getConnection(); var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(column.read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    /** Every row of a query, each read by {@code row}. */
    private <T> List<T> rows(String sql, Binder binder, Column<T> row) {
        var out = new ArrayList<T>();
        try (Connection c = readers.getConnection(); var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public List<StoredSession> sessions(Instant now) {
        return rows("SELECT id_hash, token_name, csrf, created_at, expires_at FROM browser_session WHERE expires_at > ? "
                + "ORDER BY created_at, id_hash", ps -> ps.setObject(1, RowCodec.time(now)), RowCodec::readSession);
    }

    @Override
    public Optional<StoredSession> session(String idHash) {
        return firstColumn("SELECT id_hash, token_name, csrf, created_at, expires_at FROM browser_session WHERE id_hash = ?",
                ps -> ps.setString(1, idHash), RowCodec::readSession);
    }

    @Override
    public Optional<StoredLoginCode> loginCode(String codeHash) {
        return firstColumn("SELECT code_hash, token_name, expires_at FROM login_code WHERE code_hash = ?", ps -> ps.setString(1, codeHash),
                RowCodec::readLoginCode);
    }

    @Override
    public List<StoredToken> tokens() {
        return rows("SELECT name, scopes, hash, created_at, revoked_at FROM token ORDER BY created_at, name", ps -> { },
                RowCodec::readToken);
    }

    @Override
    public void close() {
        if (writer != null) {
            // The readers first, so that no pool opens the database again once the writer has closed it.
            readers.close();
            writer.close();
            compact(embeddedFile);
        } else {
            shared.close();
            readers.close();
        }
    }

    /** Rewrites the closed embedded database's file if it is mostly dead space; a failure leaves it whole and is only logged. */
    private static void compact(Path file) {
        try {
            long before = Files.size(file);
            long t0 = System.nanoTime();
            if (H2Compaction.compactIfSparse(file)) {
                LOG.info("database file rewritten with its live data only: {} MB -> {} MB in {} ms", megabytes(before),
                        megabytes(Files.size(file)), (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not rewrite the database file {} without its dead space (it is whole as it was): {}", file, e.toString());
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static TunelabException readFailure(SQLException e) {
        return TunelabException.of(ErrorCode.INTERNAL, "storage read failed: " + e.getMessage(), Map.of(), e);
    }
}
