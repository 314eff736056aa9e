package io.tunelab.server.storage;

import io.tunelab.api.Json;
import io.tunelab.api.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes of one write, executed on a writer's connection inside its transaction, with the
 * prepared statements that connection keeps: the embedded database's single writer and each
 * locked transaction on PostgreSQL write through it. Not thread-safe: one write's thread.
 */
final class JdbcChanges implements Storage.Changes {
    private static final String INSERT_EXPERIMENT = "INSERT INTO experiment (" + RowCodec.EXPERIMENT_COLUMNS + ", id) VALUES ("
            + RowCodec.markers(RowCodec.EXPERIMENT_COLUMN_COUNT + 1) + ")";
    private static final String UPDATE_EXPERIMENT = "UPDATE experiment SET " + RowCodec.EXPERIMENT_COLUMNS.replace(",", " = ?,")
            + " = ? WHERE id = ?";
    private static final String INSERT_TRIAL = "INSERT INTO trial (" + RowCodec.TRIAL_COLUMNS + ", id, experiment_id, number) VALUES ("
            + RowCodec.markers(RowCodec.TRIAL_COLUMN_COUNT + 3) + ")";
    private static final String UPDATE_TRIAL = updateTrial("");
    private static final String INSERT_STAMPED_TRIAL = "INSERT INTO trial (" + RowCodec.TRIAL_COLUMNS
            + ", id, experiment_id, number, revision) VALUES (" + RowCodec.markers(RowCodec.TRIAL_COLUMN_COUNT + 4) + ")";
    private static final String UPDATE_STAMPED_TRIAL = updateTrial(", revision = ?");
    private static final String UPDATE_TOLD_TRIAL = updateTrial(", told_request = ?, told_answer = ?");
    private static final String UPDATE_STAMPED_TOLD_TRIAL = updateTrial(", told_request = ?, told_answer = ?, revision = ?");

    private final Connection connection;
    private final Map<String, PreparedStatement> statements;
    private final Dialect dialect;
    /** The revision trials are written with (-1: the column is left as it is), and the ids so written. */
    private long revision = -1;
    private final Set<Long> stamped = new HashSet<>();

    JdbcChanges(Connection connection, Map<String, PreparedStatement> statements, Dialect dialect) {
        this.connection = connection;
        this.statements = statements;
        this.dialect = dialect;
    }

    /**
     * Writes every trial with {@code revision} in its row, in the same statement as the rest of it,
     * so that the step's stamp need not write those rows a second time ({@link #stamped}).
     */
    JdbcChanges stampingTrials(long revision) {
        this.revision = revision;
        return this;
    }

    /** The trials written with {@code revision} in their row. */
    Set<Long> stamped(long revision) {
        return this.revision == revision ? stamped : Set.of();
    }

    @Override
    public void insert(StoredExperiment e) {
        run(INSERT_EXPERIMENT, ps -> {
            RowCodec.bindExperiment(ps, e);
            ps.setLong(RowCodec.EXPERIMENT_COLUMN_COUNT + 1, e.id());
        });
    }

    @Override
    public void update(StoredExperiment e) {
        // The name, seed and creation time never change; binding them again keeps one codec.
        run(UPDATE_EXPERIMENT, ps -> {
            RowCodec.bindExperiment(ps, e);
            ps.setLong(RowCodec.EXPERIMENT_COLUMN_COUNT + 1, e.id());
        });
    }

    @Override
    public void insert(StoredTrial s) {
        run(revision < 0 ? INSERT_TRIAL : INSERT_STAMPED_TRIAL, ps -> {
            RowCodec.bindTrial(ps, s);
            ps.setLong(RowCodec.TRIAL_COLUMN_COUNT + 1, s.id());
            ps.setLong(RowCodec.TRIAL_COLUMN_COUNT + 2, s.trial().experimentId());
            ps.setInt(RowCodec.TRIAL_COLUMN_COUNT + 3, s.trial().number());
            if (revision >= 0) {
                ps.setLong(RowCodec.TRIAL_COLUMN_COUNT + 4, revision);
            }
        });
        if (revision >= 0) {
            stamped.add(s.id());
        }
    }

    /** The update of a trial's row by its id: {@link RowCodec#TRIAL_COLUMNS}, then the columns {@code more} sets. */
    private static String updateTrial(String more) {
        return "UPDATE trial SET " + RowCodec.TRIAL_COLUMNS.replace(",", " = ?,") + " = ?" + more + " WHERE id = ?";
    }

    @Override
    public void update(StoredTrial s) {
        updateRow(s, false, null, null);
    }

    @Override
    public void update(StoredTrial s, String toldRequest, String toldAnswer) {
        updateRow(s, true, toldRequest, toldAnswer);
    }

    /** Writes the trial's row, with a tell's answer when {@code told}, and the step's revision when trials are stamped. */
    private void updateRow(StoredTrial s, boolean told, String toldRequest, String toldAnswer) {
        boolean stamp = revision >= 0;
        run(told ? (stamp ? UPDATE_STAMPED_TOLD_TRIAL : UPDATE_TOLD_TRIAL) : (stamp ? UPDATE_STAMPED_TRIAL : UPDATE_TRIAL), ps -> {
            RowCodec.bindTrial(ps, s);
            int next = RowCodec.TRIAL_COLUMN_COUNT + 1;
            if (told) {
                ps.setString(next++, toldRequest);
                ps.setString(next++, toldAnswer);
            }
            if (stamp) {
                ps.setLong(next++, revision);
            }
            ps.setLong(next, s.id());
        });
        if (stamp) {
            stamped.add(s.id());
        }
    }

    @Override
    public void insertReport(long trialId, Report report) {
        run(dialect.upsertReport(), ps -> {
            ps.setLong(1, trialId);
            ps.setInt(2, report.step());
            ps.setString(3, Json.write(report.values()));
            ps.setObject(4, RowCodec.time(report.at()));
        });
    }

    @Override
    public void putModel(long trialId, Path file) {
        putFile(dialect.upsertModel(), trialId, file, "model");
    }

    /** Runs {@code sql}, whose parameters are a key, content and a time, with the content streamed from {@code file}. */
    private void putFile(String sql, long key, Path file, String what) {
        try (var in = Files.newInputStream(file)) {
            long size = Files.size(file);
            run(sql, ps -> {
                ps.setLong(1, key);
                ps.setBinaryStream(2, in, size);
                ps.setObject(3, RowCodec.time(Instant.now()));
            });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putFinalizationModel(long experimentId, Path file) {
        deleteFinalizationModel(experimentId);
        putFile("INSERT INTO finalization_model (experiment_id, content, stored_at) VALUES (?, ?, ?)", experimentId, file, "refit model");
    }

    @Override
    public void deleteFinalizationModel(long experimentId) {
        run("DELETE FROM finalization_model WHERE experiment_id = ?", ps -> ps.setLong(1, experimentId));
    }

    @Override
    public void deleteReports(long trialId) {
        run("DELETE FROM report WHERE trial_id = ?", ps -> ps.setLong(1, trialId));
    }

    @Override
    public void putModel(long trialId, byte[] content) {
        run(dialect.upsertModel(), ps -> {
            ps.setLong(1, trialId);
            ps.setBytes(2, content);
            ps.setObject(3, RowCodec.time(Instant.now()));
        });
    }

    @Override
    public void insertToken(StoredToken token) {
        run("INSERT INTO token (name, scopes, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, token.name());
            ps.setString(2, String.join(",", token.scopes()));
            ps.setString(3, token.hash());
            ps.setObject(4, RowCodec.time(token.created()));
            ps.setObject(5, RowCodec.time(token.revoked()));
        });
    }

    @Override
    public void revokeToken(StoredToken token) {
        run("UPDATE token SET revoked_at = ? WHERE name = ?", ps -> {
            ps.setObject(1, RowCodec.time(token.revoked()));
            ps.setString(2, token.name());
        });
    }

    @Override
    public List<StoredToken> lockLiveTokens() {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, scopes, hash, created_at, revoked_at FROM token WHERE revoked_at IS NULL ORDER BY name FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            var live = new ArrayList<StoredToken>();
            while (rs.next()) {
                live.add(RowCodec.readToken(rs));
            }
            return live;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void insertSession(StoredSession session, int keep) {
        run("INSERT INTO browser_session (id_hash, token_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, session.idHash());
            ps.setString(2, session.tokenName());
            ps.setString(3, session.csrf());
            ps.setObject(4, RowCodec.time(session.created()));
            ps.setObject(5, RowCodec.time(session.expires()));
        });
        run("DELETE FROM browser_session WHERE token_name = ? AND id_hash NOT IN (SELECT id_hash FROM browser_session "
                + "WHERE token_name = ? ORDER BY created_at DESC, id_hash FETCH FIRST " + keep + " ROWS ONLY)", ps -> {
            ps.setString(1, session.tokenName());
            ps.setString(2, session.tokenName());
        });
        run("DELETE FROM browser_session WHERE expires_at <= ?", ps -> ps.setObject(1, RowCodec.time(session.created())));
        run("DELETE FROM login_code WHERE expires_at <= ?", ps -> ps.setObject(1, RowCodec.time(session.created())));
    }

    @Override
    public void deleteSession(String idHash) {
        run("DELETE FROM browser_session WHERE id_hash = ?", ps -> ps.setString(1, idHash));
    }

    @Override
    public void insertLoginCode(StoredLoginCode code) {
        run("INSERT INTO login_code (code_hash, token_name, expires_at) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, code.codeHash());
            ps.setString(2, code.tokenName());
            ps.setObject(3, RowCodec.time(code.expires()));
        });
    }

    @Override
    public boolean takeLoginCode(String codeHash) {
        // Of two writes that delete the code at once, the one whose delete removed the row took it.
        return update("DELETE FROM login_code WHERE code_hash = ?", ps -> ps.setString(1, codeHash)) == 1;
    }

    @Override
    public void putDataReport(long experimentId, String json) {
        putExperimentJson("data_report", experimentId, json);
    }

    @Override
    public void putFinalization(long experimentId, String json) {
        putExperimentJson("finalization", experimentId, json);
    }

    @Override
    public void putLabels(long experimentId, String json) {
        putExperimentJson("labels", experimentId, json);
    }

    /** Sets one JSON column of an experiment's row; {@code column} is a literal in this class, never input. */
    private void putExperimentJson(String column, long experimentId, String json) {
        run("UPDATE experiment SET " + column + " = ? WHERE id = ?", ps -> {
            ps.setString(1, json);
            ps.setLong(2, experimentId);
        });
    }

    @Override
    public void putArtifact(long trialId, io.tunelab.api.Artifact artifact, Path file) {
        try {
            ArtifactRows.put(connection, trialId, artifact, file);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot store artifact " + artifact.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteExperiment(long experimentId) {
        try {
            long lastTrial;
            try (var ps = connection.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM trial WHERE experiment_id = ?")) {
                ps.setLong(1, experimentId);
                try (var rs = ps.executeQuery()) {
                    lastTrial = rs.next() ? rs.getLong(1) : 0;
                }
            }
            dialect.keepIssued(connection, "trial_ids", lastTrial);
            dialect.keepIssued(connection, "experiment_ids", experimentId);
            ArtifactRows.deleteExperiment(connection, experimentId);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void raiseRevision(long experimentId) {
        run("UPDATE experiment SET revision = revision + 1 WHERE id = ?", ps -> ps.setLong(1, experimentId));
    }

    @Override
    public void putSummary(long experimentId, long revision, String json, StoredFirstReads firstReads) {
        run("DELETE FROM experiment_summary WHERE experiment_id = ? AND revision <= ?", ps -> {
            ps.setLong(1, experimentId);
            ps.setLong(2, revision);
        });
        // Stored only while the experiment still has that revision (and exists), and never over a
        // newer one: a summary late for its experiment's change is not written at all.
        run("INSERT INTO experiment_summary (experiment_id, revision, summary, first_reads_build, experiment_json, first_page_asc_json, "
                + "first_page_desc_json, first_page_total) SELECT id, revision, ?, ?, ?, ?, ?, ? FROM experiment "
                + "WHERE id = ? AND revision = ? AND NOT EXISTS (SELECT 1 FROM experiment_summary WHERE experiment_id = ?)", ps -> {
            ps.setString(1, json);
            ps.setString(2, firstReads == null ? null : firstReads.build());
            ps.setString(3, firstReads == null ? null : firstReads.experiment());
            ps.setString(4, firstReads == null ? null : firstReads.ascending());
            ps.setString(5, firstReads == null ? null : firstReads.descending());
            ps.setObject(6, firstReads == null ? null : firstReads.total(), Types.INTEGER);
            ps.setLong(7, experimentId);
            ps.setLong(8, revision);
            ps.setLong(9, experimentId);
        });
    }

    @Override
    public void putAnswer(String requestId, String kind, String answer, Instant at) {
        run("INSERT INTO request (id, kind, answer, created_at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, requestId);
            ps.setString(2, kind);
            ps.setString(3, answer);
            ps.setObject(4, RowCodec.time(at));
        });
    }

    @Override
    public int deleteAnswers(Instant before, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        // The oldest first, found by the index on created_at; the limit is a number, never text of a caller.
        return update("DELETE FROM request WHERE id IN (SELECT id FROM request WHERE created_at < ? ORDER BY created_at "
                + "FETCH FIRST " + limit + " ROWS ONLY" + dialect.pickingAnswers() + ")", ps -> ps.setObject(1, RowCodec.time(before)));
    }

    private void run(String sql, Binder binder) {
        update(sql, binder);
    }

    /** Runs one statement on a prepared statement this connection keeps; answers the rows it changed. */
    private int update(String sql, Binder binder) {
        try {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
