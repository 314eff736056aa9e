package io.tunelab.server.storage;

import io.tunelab.api.Report;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where experiments, trials, reports, models and data reports live.
 *
 * <p>Contract: {@link #write} returns only after its changes are committed durably (they
 * survive {@code kill -9} of the process); the changes of one call are atomic. Calls are
 * thread-safe; concurrent writes may be committed together. Reads see every write that
 * returned before them.
 */
public interface Storage extends AutoCloseable {

    /** Applies the changes that {@code changes} records, atomically and durably. */
    void write(Consumer<Changes> changes);

    /**
     * {@link #write} without waiting for the commit: the future completes once the changes are
     * committed as durably as {@code write}'s, or fails with what {@code write} would throw. It
     * may complete on the thread that commits: what is chained to it must be short and must not
     * write (chain it with an executor to do more). By default the write is made at once.
     */
    default CompletableFuture<Void> writeLater(Consumer<Changes> changes) {
        try {
            write(changes);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    List<StoredExperiment> experiments();

    /** The experiment's trials in number order, each with its reports. */
    List<StoredTrial> trials(long experimentId);

    /** The largest trial id ever issued (in use, or of a deleted experiment), or 0. */
    long maxTrialId();

    /** The largest experiment id ever issued (in use, or deleted), or 0. */
    long maxExperimentId();

    Optional<byte[]> model(long trialId);

    /**
     * Writes trial {@code trialId}'s model to {@code out} as the database hands it over, not
     * first as one array (the embedded database streams it); false (writing nothing) when the
     * trial has none.
     */
    boolean copyModel(long trialId, java.io.OutputStream out) throws java.io.IOException;

    /** How many bytes {@link #copyModel} would write, asked of the database without reading the model; empty when the trial has none. */
    java.util.OptionalLong modelBytes(long trialId);

    /**
     * Writes the refit model of experiment {@code experimentId}'s finalization to {@code out} as
     * the database hands it over; false (writing nothing) when it has none.
     */
    boolean copyFinalizationModel(long experimentId, java.io.OutputStream out) throws java.io.IOException;

    Optional<String> dataReport(long experimentId);

    /** Every token, revoked ones included, in creation order. */
    List<StoredToken> tokens();

    /** Every browser session that has not ended at {@code now}, oldest first. */
    List<StoredSession> sessions(java.time.Instant now);

    /** The browser session whose id has this SHA-256 (hex), ended or not, if it is stored. */
    Optional<StoredSession> session(String idHash);

    /** The login code whose SHA-256 (hex) is {@code codeHash}, ended or not, if it is stored. */
    Optional<StoredLoginCode> loginCode(String codeHash);

    /** The experiment's finalization document (JSON), if it has one. */
    Optional<String> finalization(long experimentId);

    /** The experiment's labels document (JSON: tags, notes, archived), if it has one. */
    Optional<String> labels(long experimentId);

    /** The trial's artifacts in name order. */
    List<io.tunelab.api.Artifact> artifacts(long trialId);

    /**
     * Writes the artifact content stored under {@code sha256} to {@code out}; false (writing
     * nothing) when none is stored.
     */
    boolean copyArtifactContent(String sha256, java.io.OutputStream out) throws java.io.IOException;

    /** The answer stored for a request id by {@link Changes#putAnswer}, if any. */
    Optional<String> answer(String requestId);

    /**
     * The answer a tell under {@code requestId} left in the row of the trial it told ({@link
     * Changes#update(StoredTrial, String, String)}), if that trial's last such tell had this id.
     */
    Optional<String> toldAnswer(long trialId, String requestId);

    /** Indexed reads of one experiment or trial, for a coordinator that does not hold every experiment in memory. */
    ExperimentIndex index();

    /**
     * How many group commits this process's writer has made, how many writes they carried and how
     * many fsyncs made them durable (so far, since it opened): the mean group size says how much
     * each write paid for its commit, the groups per sync how much each paid for its fsync.
     * Empty where writes are not grouped (PostgreSQL).
     */
    default Optional<GroupCommits> groupCommits() {
        return Optional.empty();
    }

    /** Committed groups, the writes they carried, and the syncs that made them durable (0 with {@link Durability#PROCESS}). */
    record GroupCommits(long commits, long writes, long syncs) {
    }

    /** How this storage is shared with other coordinators; empty when this process alone writes it. */
    default Optional<SharedDatabase> shared() {
        return Optional.empty();
    }

    @Override
    void close();

    /** The changes one write makes. */
    interface Changes {
        void insert(StoredExperiment experiment);

        void update(StoredExperiment experiment);

        void insert(StoredTrial trial);

        void update(StoredTrial trial);

        /**
         * {@link #update(StoredTrial)} by a tell, with the tell's request id and its answer (JSON)
         * kept in the same row, replacing what an earlier tell of the trial left there: the tell
         * writes the row anyway, and a retry names its trial ({@link Storage#toldAnswer}).
         */
        void update(StoredTrial trial, String toldRequest, String toldAnswer);

        void insertReport(long trialId, Report report);

        /** Drops every report of a trial (it starts over). */
        void deleteReports(long trialId);

        void putModel(long trialId, byte[] content);

        /** Stores the model in {@code file}, read as it is written (the file must stay until the write returns). */
        void putModel(long trialId, java.nio.file.Path file);

        void putDataReport(long experimentId, String json);

        /** Adds a token; its name and hash must be new. */
        void insertToken(StoredToken token);

        /** Marks the named token revoked at {@code token.revoked()}. */
        void revokeToken(StoredToken token);

        /**
         * The live tokens, their rows locked until this write commits: a write that revokes one
         * after counting the others waits for another coordinator's write that revokes one of
         * them, and then no longer reads that one as live.
         */
        List<StoredToken> lockLiveTokens();

        /**
         * Adds a browser session (its id hash must be new), then ends the oldest sessions of its
         * token beyond the newest {@code keep}, and every session and login code that has ended
         * by the new session's creation.
         */
        void insertSession(StoredSession session, int keep);

        /** Ends the browser session whose id has this hash; nothing when there is none. */
        void deleteSession(String idHash);

        /** Adds a one-time login code; its hash must be new. */
        void insertLoginCode(StoredLoginCode code);

        /**
         * Takes the login code with this hash: deletes it, ended or not; true when this write removed
         * it. Of two writes that take one code at once (two coordinators), one does.
         */
        boolean takeLoginCode(String codeHash);

        /** Replaces the experiment's finalization document (JSON). */
        void putFinalization(long experimentId, String json);

        /**
         * Stores the refit model of the experiment's finalization, read from {@code file} as it is
         * written (the file must stay until the write returns), replacing the one it had; the
         * trials' own models are not touched.
         */
        void putFinalizationModel(long experimentId, java.nio.file.Path file);

        /** Drops the refit model of the experiment's finalization, if it has one (a new finalization starts without). */
        void deleteFinalizationModel(long experimentId);

        /** Replaces the experiment's labels document (JSON). */
        void putLabels(long experimentId, String json);

        /**
         * Adds an artifact to a trial, replacing the trial's artifact of that name; the content
         * (read from {@code file}, which must stay until the write returns) is stored once per
         * SHA-256, and content no artifact names any more is dropped.
         */
        void putArtifact(long trialId, io.tunelab.api.Artifact artifact, java.nio.file.Path file);

        /** Deletes an experiment and everything of it: trials, reports, models, artifacts, finalization and its refit model. */
        void deleteExperiment(long experimentId);

        /** Raises the experiment's revision by one (on PostgreSQL every locked step stamps it instead). */
        void raiseRevision(long experimentId);

        /**
         * Stores the catalog's summary (JSON) of an experiment at {@code revision}, with what a
         * browser reads first of it at the same revision beside it (null for none), replacing the
         * one stored; written only while the experiment's revision is still {@code revision}.
         */
        void putSummary(long experimentId, long revision, String json, StoredFirstReads firstReads);

        /** Stores the answer (JSON) given to a request id at {@code at}; the id must be new. */
        void putAnswer(String requestId, String kind, String answer, java.time.Instant at);

        /**
         * Deletes at most {@code limit} of the oldest stored answers to request ids stored before
         * {@code before}, and nothing else; answers how many it deleted.
         */
        int deleteAnswers(java.time.Instant before, int limit);
    }
}
