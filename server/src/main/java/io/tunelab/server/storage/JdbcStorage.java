package io.tunelab.server.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.api.Report;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Storage} over JDBC; H2 in a data directory by default.
 *
 * <p>Writes go through one writer thread that commits them in groups: every write waiting when
 * a commit starts shares that commit, so many concurrent callers pay for one disk write, and
 * each caller returns only after its own changes are committed. H2 runs with
 * {@code WRITE_DELAY=0}, so a commit reaches the file before the caller is answered; with
 * {@link Durability#FSYNC} the group is also forced to the disk. A data directory's file is
 * recovered before it is opened ({@link H2Recovery}), so every commit the file holds is found
 * after a crash. Should a group fail, its writes are retried one by one so that one bad write
 * fails only its own caller.
 */
public final class JdbcStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);
    private static final int MAX_GROUP = 512;
    /** How long a commit waits for more writes when the last group had company. */
    private static final long LINGER_NANOS = 300_000;

    private final Connection writer;
    private final Connection reader;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    private final Durability durability;
    private volatile boolean closed;

    private record Pending(Consumer<Changes> changes, CompletableFuture<Void> done) {
    }

    private JdbcStorage(String url, Durability durability) throws SQLException {
        this.durability = durability;
        this.writer = DriverManager.getConnection(url, "tunelab", "");
        this.reader = DriverManager.getConnection(url, "tunelab", "");
        Migrations.apply(writer);
        writer.setAutoCommit(false);
        this.writerThread = Thread.ofPlatform().name("tunelab-storage-writer").daemon(true).start(this::writeLoop);
    }

    /** Opens (creating and migrating if needed) the H2 database in a data directory, with {@link Durability#PROCESS}. */
    public static JdbcStorage openDataDirectory(Path dataDir) {
        return openDataDirectory(dataDir, Durability.PROCESS);
    }

    /** Opens (recovering, creating and migrating if needed) the H2 database in a data directory. */
    public static JdbcStorage openDataDirectory(Path dataDir, Durability durability) {
        Path file = dataDir.toAbsolutePath().resolve("tunelab");
        String url = "jdbc:h2:file:" + file + ";WRITE_DELAY=0;PAGE_SIZE=4096";
        try {
            H2Recovery.recover(file.resolveSibling("tunelab.mv.db"));
        } catch (IllegalStateException e) {
            throw openFailure(url, e.getMessage(), e);
        }
        return open(url, durability);
    }

    /** Opens a database by JDBC URL, with {@link Durability#PROCESS}. */
    public static JdbcStorage open(String url) {
        return open(url, Durability.PROCESS);
    }

    /** Opens a database by JDBC URL. */
    public static JdbcStorage open(String url, Durability durability) {
        try {
            return new JdbcStorage(url, durability);
        } catch (SQLException e) {
            throw openFailure(url, e.getMessage(), e);
        }
    }

    private static TunelabException openFailure(String url, String message, Exception e) {
        String hint = message != null && message.contains("locked")
                ? " (another Tunelab server uses this data directory; stop it or choose another --data-dir)" : "";
        return TunelabException.of(ErrorCode.INTERNAL, "cannot open the database " + url + ": " + message + hint, Map.of(), e);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void write(Consumer<Changes> changes) {
        if (closed) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server is shutting down; retry against the restarted server");
        }
        var pending = new Pending(changes, new CompletableFuture<>());
        queue.add(pending);
        try {
            pending.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TunelabException te) {
                throw te;
            }
            throw TunelabException.of(ErrorCode.INTERNAL, "storage write failed: " + e.getCause().getMessage(), Map.of(), e.getCause());
        }
    }

    private void writeLoop() {
        var group = new ArrayList<Pending>(MAX_GROUP);
        int lastGroup = 1;
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.clear();
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                // Under concurrent load, wait a moment for the writes that are on their way:
                // a commit costs far more than a statement, so fewer, larger groups go faster.
                if (lastGroup > 1 && group.size() < MAX_GROUP) {
                    long deadline = System.nanoTime() + LINGER_NANOS;
                    Pending next;
                    while (group.size() < MAX_GROUP && (next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                        group.add(next);
                    }
                }
                lastGroup = group.size();
                commitGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commitGroup(List<Pending> group) {
        try {
            var changes = new JdbcChanges();
            for (Pending p : group) {
                p.changes.accept(changes);
            }
            writer.commit();
            if (durability == Durability.FSYNC) {
                syncStatement().execute();
            }
            group.forEach(p -> p.done.complete(null));
        } catch (RuntimeException | SQLException e) {
            rollbackQuietly();
            if (group.size() == 1) {
                group.getFirst().done.completeExceptionally(e);
                return;
            }
            for (Pending p : group) {
                commitGroup(List.of(p));
            }
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    private PreparedStatement syncStatement() throws SQLException {
        return prepared("CHECKPOINT SYNC");
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = writer.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** The changes of the current group, executed on the writer connection inside its transaction. */
    private final class JdbcChanges implements Changes {
        @Override
        public void insert(StoredExperiment e) {
            run("INSERT INTO experiment (id, name, state, spec, seed, created_at, updated_at, stop_reason, running_millis, running_since) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                ps.setLong(1, e.id());
                ps.setString(2, e.name());
                ps.setString(3, e.state().name());
                ps.setString(4, Json.write(e.spec()));
                ps.setLong(5, e.seed());
                ps.setObject(6, time(e.created()));
                ps.setObject(7, time(e.updated()));
                ps.setString(8, e.stopReason());
                ps.setLong(9, e.runningMillis());
                ps.setObject(10, time(e.runningSince()));
            });
        }

        @Override
        public void update(StoredExperiment e) {
            run("UPDATE experiment SET state = ?, spec = ?, updated_at = ?, stop_reason = ?, running_millis = ?, running_since = ? "
                    + "WHERE id = ?", ps -> {
                ps.setString(1, e.state().name());
                ps.setString(2, Json.write(e.spec()));
                ps.setObject(3, time(e.updated()));
                ps.setString(4, e.stopReason());
                ps.setLong(5, e.runningMillis());
                ps.setObject(6, time(e.runningSince()));
                ps.setLong(7, e.id());
            });
        }

        @Override
        public void insert(StoredTrial s) {
            run("INSERT INTO trial (state, params, metric_values, repetitions, statistics, created_at, started_at, finished_at, "
                    + "worker, error, provenance, lease_id, lease_expires, attempts, id, experiment_id, number) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                bindTrial(ps, s);
                ps.setLong(15, s.id());
                ps.setLong(16, s.trial().experimentId());
                ps.setInt(17, s.trial().number());
            });
        }

        @Override
        public void update(StoredTrial s) {
            run("UPDATE trial SET state = ?, params = ?, metric_values = ?, repetitions = ?, statistics = ?, created_at = ?, "
                    + "started_at = ?, finished_at = ?, worker = ?, error = ?, provenance = ?, lease_id = ?, lease_expires = ?, "
                    + "attempts = ? WHERE id = ?", ps -> {
                bindTrial(ps, s);
                ps.setLong(15, s.id());
            });
        }

        private void bindTrial(PreparedStatement ps, StoredTrial s) throws SQLException {
            Trial t = s.trial();
            ps.setString(1, t.state().name());
            ps.setString(2, Json.write(t.params()));
            ps.setString(3, t.values().isEmpty() ? null : Json.write(t.values()));
            ps.setString(4, t.repetitions().isEmpty() ? null : Json.write(t.repetitions()));
            ps.setString(5, t.statistics().isEmpty() ? null : Json.write(t.statistics()));
            ps.setObject(6, time(t.created()));
            ps.setObject(7, time(t.started()));
            ps.setObject(8, time(t.finished()));
            ps.setString(9, t.worker());
            ps.setString(10, t.error());
            ps.setString(11, t.provenance().isEmpty() ? null : Json.write(t.provenance()));
            ps.setString(12, s.leaseId());
            ps.setObject(13, time(s.leaseExpires()));
            ps.setInt(14, s.attempts());
        }

        @Override
        public void insertReport(long trialId, Report report) {
            run("MERGE INTO report (trial_id, step, metric_values, reported_at) KEY (trial_id, step) VALUES (?, ?, ?, ?)", ps -> {
                ps.setLong(1, trialId);
                ps.setInt(2, report.step());
                ps.setString(3, Json.write(report.values()));
                ps.setObject(4, time(report.at()));
            });
        }

        @Override
        public void putModel(long trialId, byte[] content) {
            run("MERGE INTO model (trial_id, content, stored_at) KEY (trial_id) VALUES (?, ?, ?)", ps -> {
                ps.setLong(1, trialId);
                ps.setBytes(2, content);
                ps.setObject(3, time(Instant.now()));
            });
        }

        @Override
        public void putDataReport(long experimentId, String json) {
            run("UPDATE experiment SET data_report = ? WHERE id = ?", ps -> {
                ps.setString(1, json);
                ps.setLong(2, experimentId);
            });
        }

        @Override
        public void putFinalization(long experimentId, String json) {
            run("UPDATE experiment SET finalization = ? WHERE id = ?", ps -> {
                ps.setString(1, json);
                ps.setLong(2, experimentId);
            });
        }

        private void run(String sql, Binder binder) {
            try {
                PreparedStatement ps = prepared(sql);
                binder.bind(ps);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public synchronized List<StoredExperiment> experiments() {
        var out = new ArrayList<StoredExperiment>();
        try (var ps = reader.prepareStatement("SELECT id, name, state, spec, seed, created_at, updated_at, stop_reason, "
                + "running_millis, running_since FROM experiment ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredExperiment(rs.getLong(1), rs.getString(2), ExperimentState.valueOf(rs.getString(3)),
                        Json.read(rs.getString(4), ExperimentSpec.class), rs.getLong(5), instant(rs, 6), instant(rs, 7),
                        rs.getString(8), rs.getLong(9), instant(rs, 10)));
            }
            return out;
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public synchronized List<StoredTrial> trials(long experimentId) {
        var reports = new HashMap<Long, List<Report>>();
        try (var ps = reader.prepareStatement("SELECT r.trial_id, r.step, r.metric_values, r.reported_at FROM report r "
                + "JOIN trial t ON r.trial_id = t.id WHERE t.experiment_id = ? ORDER BY r.trial_id, r.step")) {
            ps.setLong(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reports.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new Report(rs.getInt(2), doubles(rs.getString(3)), instant(rs, 4)));
                }
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
        var out = new ArrayList<StoredTrial>();
        try (var ps = reader.prepareStatement("SELECT id, number, state, params, metric_values, repetitions, statistics, "
                + "created_at, started_at, finished_at, worker, error, provenance, lease_id, lease_expires, attempts "
                + "FROM trial WHERE experiment_id = ? ORDER BY number")) {
            ps.setLong(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    var trial = new Trial(id, experimentId, rs.getInt(2), params(rs.getString(4)),
                            TrialState.valueOf(rs.getString(3)), doubles(rs.getString(5)), repetitions(rs.getString(6)),
                            statistics(rs.getString(7)), reports.getOrDefault(id, List.of()), instant(rs, 8), instant(rs, 9),
                            instant(rs, 10), rs.getString(11), rs.getString(12), map(rs.getString(13)));
                    out.add(new StoredTrial(trial, rs.getString(14), instant(rs, 15), rs.getInt(16)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public synchronized long maxTrialId() {
        try (var ps = reader.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM trial"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public synchronized Optional<byte[]> model(long trialId) {
        try (var ps = reader.prepareStatement("SELECT content FROM model WHERE trial_id = ?")) {
            ps.setLong(1, trialId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public Optional<String> dataReport(long experimentId) {
        return experimentDocument("data_report", experimentId);
    }

    @Override
    public Optional<String> finalization(long experimentId) {
        return experimentDocument("finalization", experimentId);
    }

    /** One JSON document column of an experiment's row. */
    private synchronized Optional<String> experimentDocument(String column, long experimentId) {
        try (var ps = reader.prepareStatement("SELECT " + column + " FROM experiment WHERE id = ?")) {
            ps.setLong(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer.close();
            reader.close();
        } catch (SQLException e) {
            LOG.warn("closing the database: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ mapping

    private static TunelabException readFailure(SQLException e) {
        return TunelabException.of(ErrorCode.INTERNAL, "storage read failed: " + e.getMessage(), Map.of(), e);
    }

    private static OffsetDateTime time(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static <T> T parse(String json, TypeReference<T> type, T empty) {
        if (json == null) {
            return empty;
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "stored JSON is unreadable: " + e.getMessage());
        }
    }

    private static Map<String, Object> params(String json) {
        return parse(json, new TypeReference<LinkedHashMap<String, Object>>() { }, new LinkedHashMap<String, Object>());
    }

    private static Map<String, Object> map(String json) {
        return parse(json, new TypeReference<Map<String, Object>>() { }, Map.of());
    }

    private static Map<String, Double> doubles(String json) {
        return parse(json, new TypeReference<Map<String, Double>>() { }, Map.of());
    }

    private static List<Repetition> repetitions(String json) {
        return parse(json, new TypeReference<List<Repetition>>() { }, List.of());
    }

    private static Map<String, Statistics> statistics(String json) {
        return parse(json, new TypeReference<Map<String, Statistics>>() { }, Map.of());
    }

}
