package io.tunelab.server.storage;

import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The indexed reads that find one experiment without holding every experiment in memory: its
 * row by id or by name, the experiment a trial belongs to, the experiments that hold leases, and
 * the tally of an experiment's trials (what its summary counts, without params, reports or
 * provenance), and the catalog summaries stored at their experiment's current revision (V13).
 * Each is a query on an index (the primary keys, {@code experiment.name},
 * {@code trial(experiment_id, number)} and {@code trial_lease} of V12) or one pass over the
 * experiments' rows alone (revisions, labels, finalizations). Thread-safe; every
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

    /**
     * A stored trial as its row and its reports are now (its {@link StoredTrial#trial()}), if it is
     * stored: what a finished trial's tell answered, read again for a retry of that tell.
     */
    public Optional<Trial> trial(long trialId) {
        try (Connection c = readers.getConnection()) {
            List<io.tunelab.api.Report> reports = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT trial_id, step, metric_values, reported_at FROM report WHERE trial_id = ? ORDER BY step")) {
                ps.setLong(1, trialId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reports.add(RowCodec.readReport(rs));
                    }
                }
            }
            try (var ps = c.prepareStatement("SELECT id, number, " + RowCodec.TRIAL_COLUMNS + ", experiment_id FROM trial WHERE id = ?")) {
                ps.setLong(1, trialId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(RowCodec.readTrial(rs, rs.getLong(RowCodec.TRIAL_COLUMN_COUNT + 3), reports).trial())
                            : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storage read failed: " + e.getMessage(), e);
        }
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
     * What an experiment's summary counts: its trials by state, the latest time one of them was
     * created, started or finished (null without trials), its COMPLETE trials with their id,
     * number and values alone (no params, times, repetitions, statistics, reports or provenance),
     * and how many of its trials were imported.
     */
    public record Tally(Map<TrialState, Integer> counts, Instant lastActivity, List<Trial> complete, int imported) {
        public Tally {
            counts = Map.copyOf(counts);
            complete = List.copyOf(complete);
        }
    }

    /**
     * Counts the imported trials of a {@code GROUP BY}: an imported trial's provenance is the one
     * key {@code imported} the server wrote when it took the trial in, so its JSON starts so (a
     * told result may not set that key, and nothing adds to a finished trial's provenance).
     */
    private static final String IMPORTED = "SUM(CASE WHEN provenance LIKE '{\"imported\":%' THEN 1 ELSE 0 END)";

    /** The experiment's {@link Tally}: two queries on {@code trial(experiment_id, …)}, reading only the columns it names. */
    public Tally tally(long experimentId) {
        var counts = new EnumMap<TrialState, Integer>(TrialState.class);
        int[] imported = {0};
        Instant last = query("SELECT state, COUNT(*), MAX(created_at), MAX(started_at), MAX(finished_at), " + IMPORTED + " FROM trial "
                + "WHERE experiment_id = ? GROUP BY state", ps -> ps.setLong(1, experimentId), rs -> {
            Instant latest = null;
            while (rs.next()) {
                counts.put(TrialState.valueOf(rs.getString(1)), rs.getInt(2));
                for (int column = 3; column <= 5; column++) {
                    Instant i = RowCodec.instant(rs, column);
                    latest = i != null && (latest == null || i.isAfter(latest)) ? i : latest;
                }
                imported[0] += rs.getInt(6);
            }
            return latest;
        });
        // The values as VARCHAR: H2 hands a CLOB column out twice as slowly.
        List<Trial> complete = query("SELECT id, number, CAST(metric_values AS VARCHAR(100000)) FROM trial "
                + "WHERE experiment_id = ? AND state = ?", ps -> {
            ps.setLong(1, experimentId);
            ps.setString(2, TrialState.COMPLETE.name());
        }, rs -> {
            var out = new ArrayList<Trial>();
            while (rs.next()) {
                out.add(new Trial(rs.getLong(1), experimentId, rs.getInt(2), null, TrialState.COMPLETE, RowCodec.doubles(rs.getString(3)),
                        null, null, null, null, null, null, null, null, null, null));
            }
            return out;
        });
        return new Tally(counts, last, complete, imported[0]);
    }

    /**
     * Every experiment's {@link Tally} in one pass over the trials (for a start, where one query per
     * experiment would cost thousands): the tallies carry no complete trials; each COMPLETE trial
     * (id, experiment, number and values alone) goes to {@code complete} instead, one at a time,
     * so the caller keeps what it needs of them.
     */
    public Map<Long, Tally> tallies(java.util.function.Consumer<Trial> complete) {
        var counts = new java.util.HashMap<Long, EnumMap<TrialState, Integer>>();
        var latest = new java.util.HashMap<Long, Instant>();
        var imported = new java.util.HashMap<Long, Integer>();
        query("SELECT experiment_id, state, COUNT(*), MAX(created_at), MAX(started_at), MAX(finished_at), " + IMPORTED + " FROM trial "
                + "GROUP BY experiment_id, state", ps -> { }, rs -> {
            while (rs.next()) {
                long id = rs.getLong(1);
                counts.computeIfAbsent(id, k -> new EnumMap<>(TrialState.class)).put(TrialState.valueOf(rs.getString(2)), rs.getInt(3));
                for (int column = 4; column <= 6; column++) {
                    Instant i = RowCodec.instant(rs, column);
                    if (i != null) {
                        latest.merge(id, i, (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
                imported.merge(id, rs.getInt(7), Integer::sum);
            }
            return null;
        });
        query("SELECT experiment_id, id, number, CAST(metric_values AS VARCHAR(100000)) FROM trial WHERE state = ?",
                ps -> ps.setString(1, TrialState.COMPLETE.name()), rs -> {
            while (rs.next()) {
                complete.accept(new Trial(rs.getLong(2), rs.getLong(1), rs.getInt(3), null, TrialState.COMPLETE,
                        RowCodec.doubles(rs.getString(4)), null, null, null, null, null, null, null, null, null, null));
            }
            return null;
        });
        var out = new java.util.HashMap<Long, Tally>();
        counts.forEach((id, byState) -> out.put(id, new Tally(byState, latest.get(id), List.of(), imported.getOrDefault(id, 0))));
        return out;
    }

    /** Every experiment's labels document (JSON), by id; those without labels are left out. */
    public Map<Long, String> labels() {
        return query("SELECT id, labels FROM experiment WHERE labels IS NOT NULL", ps -> { }, Rows::byId);
    }

    /**
     * The catalog summaries (JSON) stored for experiments whose revision has not moved since, by
     * id: one join of {@code experiment_summary} with the experiments' primary key; a summary
     * stored at another revision than its experiment's is left out.
     */
    public Map<Long, String> summaries() {
        return query("SELECT s.experiment_id, s.summary FROM experiment_summary s JOIN experiment e "
                + "ON e.id = s.experiment_id AND e.revision = s.revision", ps -> { }, Rows::byId);
    }

    /** The catalog summary (JSON) stored for the experiment at its current revision, if there is one. */
    public Optional<String> summary(long experimentId) {
        return query("SELECT s.summary FROM experiment_summary s JOIN experiment e ON e.id = s.experiment_id "
                + "AND e.revision = s.revision WHERE s.experiment_id = ?", ps -> ps.setLong(1, experimentId),
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
    }

    /**
     * What a browser reads first of the experiment ({@link StoredFirstReads}), stored with its
     * summary at its current revision by the build {@code build}, if there is that.
     */
    public Optional<StoredFirstReads> firstReads(long experimentId, String build) {
        return query("SELECT s.experiment_json, s.first_page_total, s.first_page_asc_json, s.first_page_desc_json FROM experiment_summary s "
                + "JOIN experiment e ON e.id = s.experiment_id AND e.revision = s.revision "
                + "WHERE s.experiment_id = ? AND s.first_reads_build = ? AND s.experiment_json IS NOT NULL", ps -> {
                    ps.setLong(1, experimentId);
                    ps.setString(2, build);
                },
                rs -> rs.next() ? Optional.of(new StoredFirstReads(build, rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)))
                        : Optional.empty());
    }

    /** The experiment's revision as committed; -1 when it is not stored. */
    public long revision(long experimentId) {
        return query("SELECT revision FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId),
                rs -> rs.next() ? rs.getLong(1) : -1L);
    }

    /** Every stored experiment's revision, by id. */
    public Map<Long, Long> revisions() {
        return query("SELECT id, revision FROM experiment", ps -> { }, rs -> {
            var out = new java.util.HashMap<Long, Long>();
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
            return out;
        });
    }

    /** Every experiment's finalization document (JSON), by id, in one query; those without one are left out. */
    public Map<Long, String> finalizations() {
        return query("SELECT id, finalization FROM experiment WHERE finalization IS NOT NULL", ps -> { }, Rows::byId);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Readers of whole results. */
    private static final class Rows {
        private Rows() {
        }

        /** Each row's first column (a long) mapped to its second (a string). */
        static Map<Long, String> byId(ResultSet rs) throws SQLException {
            var out = new java.util.HashMap<Long, String>();
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
            return out;
        }
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
