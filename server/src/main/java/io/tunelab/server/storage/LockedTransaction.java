package io.tunelab.server.storage;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Report;
import io.tunelab.api.TunelabException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One transaction of {@link SharedDatabase#locked} on PostgreSQL, holding the experiment's lock:
 * the catch-up reads and the stamps; or, without changes, one of {@link SharedDatabase#snapshot},
 * which only reads.
 */
final class LockedTransaction implements SharedDatabase.Locked {
    private final Connection c;
    private final long experimentId;
    private final long revision;
    private final JdbcChanges changes;
    private StoredExperiment row;
    private String finalization;
    private String labels;
    /** The trials changed after {@link #readSince}, read with the lock (null: not read). */
    private List<StoredTrial> changedSince;
    private long readSince;

    /** {@code changes} null: a snapshot, which refuses to write. */
    LockedTransaction(Connection c, long experimentId, long revision, JdbcChanges changes) {
        this.c = c;
        this.experimentId = experimentId;
        this.revision = revision;
        this.changes = changes;
    }

    /**
     * Takes the experiment's lock and, in the same round trip, reads its row and the trials changed
     * after {@code since} with their reports: each statement runs once the one before returned, so
     * all of them read under the lock, and a catch-up then costs no round trip of its own. The row
     * is decoded only when the revision moved past {@code since}; with
     * {@link SharedDatabase#NOTHING_SEEN} only the revision is read. NOT_FOUND when there is no
     * such experiment; {@code changes} gets the revision read.
     */
    static LockedTransaction lock(Connection c, long experimentId, long since, java.util.function.LongFunction<JdbcChanges> changes)
            throws SQLException {
        if (since == SharedDatabase.NOTHING_SEEN) {
            try (var ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?); SELECT revision FROM experiment WHERE id = ?")) {
                ps.setLong(1, experimentId);
                ps.setLong(2, experimentId);
                ps.execute();
                try (ResultSet rs = next(ps)) {
                    if (!rs.next()) {
                        throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id " + experimentId);
                    }
                    return new LockedTransaction(c, experimentId, rs.getLong(1), changes.apply(rs.getLong(1)));
                }
            }
        }
        try (var ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?); SELECT id, " + RowCodec.EXPERIMENT_COLUMNS
                + ", finalization, labels, revision FROM experiment WHERE id = ?; " + RowCodec.REPORTS_SINCE + "; " + RowCodec.TRIALS_SINCE)) {
            ps.setLong(1, experimentId);
            ps.setLong(2, experimentId);
            ps.setLong(3, experimentId);
            ps.setLong(4, since);
            ps.setLong(5, experimentId);
            ps.setLong(6, since);
            ps.execute();
            LockedTransaction tx;
            try (ResultSet rs = next(ps)) {
                if (!rs.next()) {
                    throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id " + experimentId);
                }
                long revision = rs.getLong(RowCodec.EXPERIMENT_COLUMN_COUNT + 4);
                tx = new LockedTransaction(c, experimentId, revision, changes.apply(revision));
                if (revision != since) {
                    tx.readRow(rs);
                }
            }
            Map<Long, List<Report>> reports;
            try (ResultSet rs = next(ps)) {
                reports = RowCodec.readReports(rs);
            }
            try (ResultSet rs = next(ps)) {
                tx.changedSince = RowCodec.readTrials(rs, experimentId, reports);
                tx.readSince = since;
            }
            return tx;
        }
    }

    private static ResultSet next(java.sql.PreparedStatement ps) throws SQLException {
        if (!ps.getMoreResults()) {
            throw new SQLException("a statement read after the experiment's lock answered no rows");
        }
        return ps.getResultSet();
    }

    @Override
    public long revision() {
        return revision;
    }

    @Override
    public StoredExperiment experiment() {
        readRow();
        return row;
    }

    /** Reads the experiment's row, its finalization and its labels in one query, once. */
    private void readRow() {
        if (row == null) {
            read("SELECT id, " + RowCodec.EXPERIMENT_COLUMNS + ", finalization, labels FROM experiment WHERE id = ?",
                    ps -> ps.setLong(1, experimentId), rs -> {
                        rs.next();
                        readRow(rs);
                        return null;
                    });
        }
    }

    /** Reads a row of {@code id, } + {@link RowCodec#EXPERIMENT_COLUMNS} + {@code , finalization, labels}. */
    private void readRow(ResultSet rs) throws SQLException {
        row = RowCodec.readExperiment(rs);
        finalization = rs.getString(RowCodec.EXPERIMENT_COLUMN_COUNT + 2);
        labels = rs.getString(RowCodec.EXPERIMENT_COLUMN_COUNT + 3);
    }

    @Override
    public List<StoredTrial> trialsSince(long since) {
        if (changedSince != null && since == readSince) {
            return changedSince;
        }
        try {
            return RowCodec.readTrials(c, experimentId, since);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> finalization() {
        readRow();
        return Optional.ofNullable(finalization);
    }

    @Override
    public Optional<String> labels() {
        readRow();
        return Optional.ofNullable(labels);
    }

    @Override
    public void stamp(long next, Collection<Long> trialIds, String notice) {
        changes();
        // Trials written in this transaction carry the stamp already (JdbcChanges#stampingTrials).
        Set<Long> written = changes.stamped(next);
        List<Long> rest = trialIds.stream().filter(id -> !written.contains(id)).toList();
        if (rest.isEmpty()) {
            read("UPDATE experiment SET revision = ? WHERE id = ? RETURNING pg_notify('" + PostgresShared.CHANNEL + "', ?)", ps -> {
                ps.setLong(1, next);
                ps.setLong(2, experimentId);
                ps.setString(3, notice);
            }, rs -> null);
            return;
        }
        // One round trip: the trials, the experiment, and the notice sent at commit.
        read("WITH t AS (UPDATE trial SET revision = ? WHERE id = ANY (?)) "
                + "UPDATE experiment SET revision = ? WHERE id = ? RETURNING pg_notify('" + PostgresShared.CHANNEL + "', ?)", ps -> {
                    ps.setLong(1, next);
                    ps.setArray(2, c.createArrayOf("bigint", rest.toArray()));
                    ps.setLong(3, next);
                    ps.setLong(4, experimentId);
                    ps.setString(5, notice);
                }, rs -> null);
    }

    /** Runs a statement; with a reader, a query whose rows it reads. */
    private <T> T read(String sql, PostgresShared.Binder binder, PostgresShared.Reader<T> reader) {
        try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            if (reader == null) {
                ps.executeUpdate();
                return null;
            }
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Storage.Changes changes() {
        if (changes == null) {
            throw new IllegalStateException("a snapshot of experiment " + experimentId + " only reads; change it in SharedDatabase#locked");
        }
        return changes;
    }
}
