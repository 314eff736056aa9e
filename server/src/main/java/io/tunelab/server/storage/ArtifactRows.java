package io.tunelab.server.storage;

import io.tunelab.api.Artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of artifacts and of deleting an experiment, for {@link JdbcStorage}. Content is kept
 * once per SHA-256 in {@code artifact_content}; an {@code artifact} row names it for one trial.
 * Content no artifact names any more is deleted in the same transaction that stops naming it.
 */
final class ArtifactRows {
    private static final String TRIALS_OF = "SELECT id FROM trial WHERE experiment_id = ?";

    private ArtifactRows() {
    }

    /** Adds (or replaces, by name) an artifact of a trial; its content is read from {@code file} only when not stored yet. */
    static void put(Connection c, long trialId, Artifact artifact, Path file) throws SQLException, IOException {
        String previous = null;
        try (var ps = c.prepareStatement("SELECT sha256 FROM artifact WHERE trial_id = ? AND name = ?")) {
            ps.setLong(1, trialId);
            ps.setString(2, artifact.name());
            try (ResultSet rs = ps.executeQuery()) {
                previous = rs.next() ? rs.getString(1) : null;
            }
        }
        if (!contentExists(c, artifact.sha256())) {
            try (InputStream in = Files.newInputStream(file);
                 var ps = c.prepareStatement("INSERT INTO artifact_content (sha256, size, content, stored_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, artifact.sha256());
                ps.setLong(2, artifact.size());
                ps.setBinaryStream(3, in, artifact.size());
                ps.setObject(4, RowCodec.time(artifact.created()));
                ps.executeUpdate();
            }
        }
        if (previous != null) {
            update(c, "DELETE FROM artifact WHERE trial_id = ? AND name = ?", ps -> {
                ps.setLong(1, trialId);
                ps.setString(2, artifact.name());
            });
        }
        update(c, "INSERT INTO artifact (trial_id, name, sha256, size, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setLong(1, trialId);
            ps.setString(2, artifact.name());
            ps.setString(3, artifact.sha256());
            ps.setLong(4, artifact.size());
            ps.setObject(5, RowCodec.time(artifact.created()));
            ps.setString(6, artifact.createdBy());
        });
        if (previous != null && !previous.equals(artifact.sha256())) {
            String orphan = previous;
            update(c, "DELETE FROM artifact_content WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM artifact WHERE sha256 = ?)", ps -> {
                ps.setString(1, orphan);
                ps.setString(2, orphan);
            });
        }
    }

    private static boolean contentExists(Connection c, String sha256) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM artifact_content WHERE sha256 = ?")) {
            ps.setString(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Deletes an experiment with everything of it: reports, models, artifacts (and content no other
     * trial names), trials, its finalization's refit model, its row.
     */
    static void deleteExperiment(Connection c, long experimentId) throws SQLException {
        for (String sql : List.of(
                "DELETE FROM report WHERE trial_id IN (" + TRIALS_OF + ")",
                "DELETE FROM model WHERE trial_id IN (" + TRIALS_OF + ")",
                "DELETE FROM artifact WHERE trial_id IN (" + TRIALS_OF + ")",
                "DELETE FROM trial WHERE experiment_id = ?",
                "DELETE FROM finalization_model WHERE experiment_id = ?",
                "DELETE FROM experiment WHERE id = ?")) {
            update(c, sql, ps -> ps.setLong(1, experimentId));
        }
        update(c, "DELETE FROM artifact_content WHERE NOT EXISTS (SELECT 1 FROM artifact a WHERE a.sha256 = artifact_content.sha256)",
                ps -> { });
    }

    /** A trial's artifacts in name order. */
    static List<Artifact> list(Connection c, long trialId) throws SQLException {
        var out = new ArrayList<Artifact>();
        try (var ps = c.prepareStatement("SELECT name, size, sha256, created_at, created_by FROM artifact WHERE trial_id = ? ORDER BY name")) {
            ps.setLong(1, trialId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Artifact(rs.getString(1), rs.getLong(2), rs.getString(3),
                            rs.getObject(4, java.time.OffsetDateTime.class).toInstant(), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Copies the content stored under {@code sha256} to {@code out}; false when there is none. */
    static boolean copy(Connection c, String sha256, OutputStream out) throws SQLException, IOException {
        return copyFirst(c, "SELECT content FROM artifact_content WHERE sha256 = ?", ps -> ps.setString(1, sha256), out);
    }

    /**
     * Writes the binary first column of the first row {@code sql} selects (its parameters bound by
     * {@code key}) to {@code out}, as a stream; false, writing nothing, when it selects no row.
     */
    static boolean copyFirst(Connection c, String sql, Binder key, OutputStream out) throws SQLException, IOException {
        try (var ps = c.prepareStatement(sql)) {
            key.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                try (InputStream in = rs.getBinaryStream(1)) {
                    in.transferTo(out);
                }
                return true;
            }
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static void update(Connection c, String sql, Binder binder) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        }
    }
}
