package io.tunelab.server.storage;

import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The indexed reads that find one experiment without holding every experiment in memory: its
 * row by id or by name, the experiment a trial belongs to, the experiments that hold leases, and
 * the outcomes of an experiment's trials (what its summary counts, without params, reports or
 * provenance). Each is one query on an index (the primary keys, {@code experiment.name},
 * {@code trial(experiment_id, number)} and {@code trial_lease} of V12). Thread-safe; every
 * method borrows a reader's connection and may block.
 */
public final class ExperimentIndex {
    private static final String EXPERIMENT = "SELECT id, " + RowCodec.EXPERIMENT_COLUMNS + " FROM experiment WHERE ";

    private final DataSource readers;

    ExperimentIndex(DataSource readers) {
        this.readers = readers;
    }

    /** The experiment's row, if it is stored. */
    public Optional<StoredExperiment> experiment(long experimentId) {
        return query(EXPERIMENT + "id = ?", ps -> ps.setLong(1, experimentId),
                rs -> rs.next() ? Optional.of(RowCodec.readExperiment(rs)) : Optional.empty());
    }

    /** The row of the experiment with this name, if one is stored. */
    public Optional<StoredExperiment> experimentNamed(String name) {
        return query(EXPERIMENT + "name = ?", ps -> ps.setString(1, name),
                rs -> rs.next() ? Optional.of(RowCodec.readExperiment(rs)) : Optional.empty());
    }

    /** The id of the experiment a stored trial belongs to; empty when no such trial is stored. */
    public OptionalLong experimentOfTrial(long trialId) {
        return query("SELECT experiment_id FROM trial WHERE id = ?", ps -> ps.setLong(1, trialId),
                rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
    }

    /** The experiments with a trial under a lease, expired or not: the coordinator keeps these in memory. */
    public Set<Long> experimentsWithLeases() {
        return query("SELECT DISTINCT experiment_id FROM trial WHERE lease_expires IS NOT NULL", ps -> { }, rs -> {
            var out = new HashSet<Long>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        });
    }

    /**
     * The experiment's trials in number order with their id, number, state, values and times
     * alone (no params, repetitions, statistics, reports or provenance): what its summary needs.
     */
    public List<Trial> outcomes(long experimentId) {
        return query("SELECT id, number, state, metric_values, created_at, started_at, finished_at FROM trial "
                + "WHERE experiment_id = ? ORDER BY number", ps -> ps.setLong(1, experimentId), rs -> {
            var out = new ArrayList<Trial>();
            while (rs.next()) {
                out.add(new Trial(rs.getLong(1), experimentId, rs.getInt(2), null, TrialState.valueOf(rs.getString(3)),
                        RowCodec.doubles(rs.getString(4)), null, null, null, RowCodec.instant(rs, 5), RowCodec.instant(rs, 6),
                        RowCodec.instant(rs, 7), null, null, null, null));
            }
            return out;
        });
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection c = readers.getConnection(); var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storage read failed: " + e.getMessage(), e);
        }
    }
}
