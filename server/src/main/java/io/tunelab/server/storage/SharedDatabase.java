package io.tunelab.server.storage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A database that several coordinators write at once (PostgreSQL): what they need beyond
 * {@link Storage} to stay one coordinator to their callers. Changes of one experiment are
 * serialised by {@link #locked}, a transaction that holds the experiment's lock; ids come
 * from the database's sequences; one coordinator at a time {@link #leads()}; and every commit
 * can wake the other coordinators through {@link #listen}.
 *
 * <p>Thread-safe; every method may block.
 */
public interface SharedDatabase {

    /**
     * Runs {@code work} in one transaction that holds the experiment's lock (no other coordinator
     * changes the experiment until it commits), then commits durably. Whatever {@code work}
     * throws rolls the transaction back and is rethrown.
     */
    default <T> T locked(long experimentId, java.util.function.Function<Locked, T> work) {
        return locked(experimentId, NOTHING_SEEN, work);
    }

    /** For {@link #locked(long, long, java.util.function.Function)}: read nothing with the lock but its revision. */
    long NOTHING_SEEN = Long.MAX_VALUE;

    /**
     * {@link #locked(long, java.util.function.Function)} for a caller that has seen the experiment at
     * revision {@code since} and expects other coordinators to have changed it: its row and the
     * trials changed after {@code since} are read with the lock, in the same round trip
     * ({@link Locked#trialsSince} of {@code since} answers them without another). With
     * {@link #NOTHING_SEEN}, only the revision is read, as when no other coordinator is expected.
     */
    <T> T locked(long experimentId, long since, java.util.function.Function<Locked, T> work);

    /**
     * Runs {@code work} in a read-only transaction that sees one committed state of the database
     * (repeatable read), without the experiment's lock: a catch-up that only reads, so it neither
     * waits for the coordinator holding the lock nor delays it. {@code work} sees the experiment
     * at {@link Locked#revision()} with every trial of that revision or before; it cannot write
     * ({@link Locked#changes()} and {@link Locked#stamp} refuse). NOT_FOUND when the experiment
     * is not stored.
     */
    <T> T snapshot(long experimentId, java.util.function.Function<Locked, T> work);

    /** A new trial id, never handed out before by any coordinator. */
    long nextTrialId();

    /** A new experiment id, never handed out before by any coordinator. */
    long nextExperimentId();

    /** The experiment a stored trial belongs to. */
    OptionalLong experimentOfTrial(long trialId);

    /** The stored experiment with this id. */
    Optional<StoredExperiment> experiment(long experimentId);

    /** The experiment's name as committed; empty when there is no such experiment. */
    Optional<String> name(long experimentId);

    /** The experiment's revision as committed (-1 when there is no such experiment). */
    long revision(long experimentId);

    /** Every experiment's revision, by id. */
    Map<Long, Long> revisions();

    /**
     * Whether this coordinator leads (holds the leader's lock, taking it when free): the leader
     * alone runs the lease reaper. A leader that dies drops the lock with its connection.
     */
    boolean leads();

    /** Sends {@code payload} to every coordinator that listens, this one included. */
    void notifyPeers(String payload);

    /**
     * Delivers what coordinators send with {@link #notifyPeers} or {@link Locked#stamp} to
     * {@code listener}, on a thread of its own, from now until the storage closes; answers once
     * listening (or after waiting a few seconds for it). Each time listening starts, the first time
     * included, and again after a dropped connection, {@code listener} gets {@code ""}: notices
     * sent before then were missed.
     */
    void listen(Consumer<String> listener);

    /** One transaction of {@link #locked}: the experiment as stored now, and the changes to make. */
    interface Locked {
        /** The changes to make, in this transaction. */
        Storage.Changes changes();

        /** The experiment's revision as committed, read under the lock. */
        long revision();

        StoredExperiment experiment();

        /** The experiment's trials whose revision is above {@code revision}, in number order, with their reports. */
        List<StoredTrial> trialsSince(long revision);

        Optional<String> finalization();

        /** The experiment's tags, notes and archived flag as stored (JSON), if any were set. */
        Optional<String> labels();

        /**
         * Sets the experiment's revision, marks the trials this transaction touched with it, and
         * sends {@code notice} to the listening coordinators once the transaction commits.
         */
        void stamp(long revision, Collection<Long> trialIds, String notice);
    }
}
