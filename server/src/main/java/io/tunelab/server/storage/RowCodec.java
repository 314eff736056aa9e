package io.tunelab.server.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
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

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How records become columns and back: the column lists of the experiment and trial tables,
 * binding a record's fields to a statement's parameters, and reading a row into a record. JSON
 * columns hold params, metric values, repetitions, statistics, provenance and the spec; times are
 * stored as UTC timestamps. Stateless.
 */
final class RowCodec {
    /** The experiment columns {@link #bindExperiment} binds, in order; the id follows them. */
    static final String EXPERIMENT_COLUMNS = "name, state, spec, seed, created_at, updated_at, stop_reason, running_millis, running_since, "
            + "created_by, updated_by";
    /** The trial columns {@link #bindTrial} binds, in order. */
    static final String TRIAL_COLUMNS = "state, params, metric_values, repetitions, statistics, created_at, started_at, finished_at, "
            + "worker, error, provenance, lease_id, lease_expires, attempts, told_by";
    static final int TRIAL_COLUMN_COUNT = TRIAL_COLUMNS.split(",").length;
    static final int EXPERIMENT_COLUMN_COUNT = EXPERIMENT_COLUMNS.split(",").length;

    // One reader per stored column's type, made once: each read used to resolve its type again (a
    // TypeReference reflects on its own class) and look up its deserializer, for every column of every
    // trial an experiment's load reads.
    private static final ObjectReader PARAMS = Json.mapper().readerFor(new TypeReference<LinkedHashMap<String, Object>>() { });
    private static final ObjectReader MAP = Json.mapper().readerFor(new TypeReference<Map<String, Object>>() { });
    private static final ObjectReader DOUBLES = Json.mapper().readerFor(new TypeReference<Map<String, Double>>() { });
    private static final ObjectReader REPETITIONS = Json.mapper().readerFor(new TypeReference<List<Repetition>>() { });
    private static final ObjectReader STATISTICS = Json.mapper().readerFor(new TypeReference<Map<String, Statistics>>() { });

    /** {@code n} parameter markers for a VALUES list: {@code ?, ?, ?}. */
    static String markers(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private RowCodec() {
    }

    /** Binds {@link #EXPERIMENT_COLUMNS} to parameters 1–11. */
    static void bindExperiment(PreparedStatement ps, StoredExperiment e) throws SQLException {
        ps.setString(1, e.name());
        ps.setString(2, e.state().name());
        ps.setString(3, Json.write(e.spec()));
        ps.setLong(4, e.seed());
        ps.setObject(5, time(e.created()));
        ps.setObject(6, time(e.updated()));
        ps.setString(7, e.stopReason());
        ps.setLong(8, e.runningMillis());
        ps.setObject(9, time(e.runningSince()));
        ps.setString(10, e.createdBy());
        ps.setString(11, e.updatedBy());
    }

    /** Reads a row of {@code id, } + {@link #EXPERIMENT_COLUMNS}. */
    static StoredExperiment readExperiment(ResultSet rs) throws SQLException {
        return new StoredExperiment(rs.getLong(1), rs.getString(2), ExperimentState.valueOf(rs.getString(3)),
                Json.read(rs.getString(4), ExperimentSpec.class), rs.getLong(5), instant(rs, 6), instant(rs, 7),
                rs.getString(8), rs.getLong(9), instant(rs, 10), rs.getString(11), rs.getString(12));
    }

    /** Binds {@link #TRIAL_COLUMNS} to parameters 1–15. */
    static void bindTrial(PreparedStatement ps, StoredTrial s) throws SQLException {
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
        ps.setString(15, t.toldBy());
    }

    /** Reads a row of {@code id, number, } + {@link #TRIAL_COLUMNS}, with the trial's reports. */
    static StoredTrial readTrial(ResultSet rs, long experimentId, List<Report> reports) throws SQLException {
        long id = rs.getLong(1);
        var trial = new Trial(id, experimentId, rs.getInt(2), params(rs.getString(4)), TrialState.valueOf(rs.getString(3)),
                doubles(rs.getString(5)), repetitions(rs.getString(6)), statistics(rs.getString(7)), reports, instant(rs, 8),
                instant(rs, 9), instant(rs, 10), rs.getString(11), rs.getString(12), map(rs.getString(13)), rs.getString(17));
        return new StoredTrial(trial, rs.getString(14), instant(rs, 15), rs.getInt(16));
    }

    /** Reads a row of {@code trial_id, step, metric_values, reported_at} into its report. */
    static Report readReport(ResultSet rs) throws SQLException {
        return new Report(rs.getInt(2), doubles(rs.getString(3)), instant(rs, 4));
    }

    /** Reads a row of {@code name, scopes, hash, created_at, revoked_at} into its token. */
    static StoredToken readToken(ResultSet rs) throws SQLException {
        return new StoredToken(rs.getString(1), List.of(rs.getString(2).split(",")), rs.getString(3), instant(rs, 4), instant(rs, 5));
    }

    /** Columns id_hash, token_name, csrf, created_at, expires_at. */
    static StoredSession readSession(ResultSet rs) throws SQLException {
        return new StoredSession(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5));
    }

    /** Columns code_hash, token_name, expires_at. */
    static StoredLoginCode readLoginCode(ResultSet rs) throws SQLException {
        return new StoredLoginCode(rs.getString(1), rs.getString(2), instant(rs, 3));
    }

    static OffsetDateTime time(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static <T> T parse(String json, ObjectReader reader, T empty) {
        if (json == null) {
            return empty;
        }
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "stored JSON is unreadable: " + e.getMessage());
        }
    }

    private static Map<String, Object> params(String json) {
        return parse(json, PARAMS, new LinkedHashMap<String, Object>());
    }

    private static Map<String, Object> map(String json) {
        return parse(json, MAP, Map.of());
    }

    static Map<String, Double> doubles(String json) {
        return parse(json, DOUBLES, Map.of());
    }

    private static List<Repetition> repetitions(String json) {
        return parse(json, REPETITIONS, List.of());
    }

    private static Map<String, Statistics> statistics(String json) {
        return parse(json, STATISTICS, Map.of());
    }

    /** The reports of an experiment's trials whose revision is above a given one: markers experiment id, revision. */
    static final String REPORTS_SINCE = "SELECT r.trial_id, r.step, r.metric_values, r.reported_at FROM report r "
            + "JOIN trial t ON r.trial_id = t.id WHERE t.experiment_id = ? AND t.revision > ? ORDER BY r.trial_id, r.step";
    /** An experiment's trials whose revision is above a given one, in number order: markers experiment id, revision. */
    static final String TRIALS_SINCE = "SELECT id, number, " + TRIAL_COLUMNS + " FROM trial WHERE experiment_id = ? AND revision > ? "
            + "ORDER BY number";

    /**
     * The experiment's trials whose revision is above {@code since} (every trial for -1), in number
     * order, each with its reports, read on {@code c}.
     */
    static List<StoredTrial> readTrials(java.sql.Connection c, long experimentId, long since) throws SQLException {
        Map<Long, List<Report>> reports;
        try (var ps = c.prepareStatement(REPORTS_SINCE)) {
            ps.setLong(1, experimentId);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                reports = readReports(rs);
            }
        }
        try (var ps = c.prepareStatement(TRIALS_SINCE)) {
            ps.setLong(1, experimentId);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                return readTrials(rs, experimentId, reports);
            }
        }
    }

    /** Reads the rows of {@link #REPORTS_SINCE}, by trial id. */
    static Map<Long, List<Report>> readReports(ResultSet rs) throws SQLException {
        var reports = new java.util.HashMap<Long, List<Report>>();
        while (rs.next()) {
            reports.computeIfAbsent(rs.getLong(1), k -> new java.util.ArrayList<>()).add(readReport(rs));
        }
        return reports;
    }

    /** Reads the rows of {@link #TRIALS_SINCE}, each trial with its {@code reports}. */
    static List<StoredTrial> readTrials(ResultSet rs, long experimentId, Map<Long, List<Report>> reports) throws SQLException {
        var out = new java.util.ArrayList<StoredTrial>();
        while (rs.next()) {
            out.add(readTrial(rs, experimentId, reports.getOrDefault(rs.getLong(1), List.of())));
        }
        return out;
    }
}
