package io.tunelab.server.experiment;

import com.carrotsearch.hppc.LongLongHashMap;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.ExperimentIndex;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * How a user's reference finds an experiment: by its name or id ({@link #find}), or by one of its
 * trials ({@link #owner}). Holds every known experiment's id by name and the trials of those in
 * memory by their experiment's id; what is not in memory is loaded through {@code load}, and on a
 * database other coordinators share, a reference that may have moved there (a new, renamed or
 * deleted experiment, a trial created elsewhere) is looked up again after catching up. Thread-safe;
 * the registry changes names under {@link #names()}'s lock, so that no two experiments share one.
 */
final class ExperimentReferences {
    /** No experiment: what {@link #byTrial} answers for a trial it does not hold (ids are positive). */
    private static final long NONE = 0;
    /**
     * The most trials filed or forgotten per hold of {@link #byTrial}'s monitor: an event loop takes
     * it for one lookup per tell, and must not wait behind a whole experiment's trials loading.
     */
    private static final int PER_HOLD = 1024;
    private final Map<String, Long> byName = new ConcurrentHashMap<>();
    /**
     * The experiment id of each trial in memory, by trial id, guarded by itself: a map of
     * primitives, so that a trial the server keeps costs no node and no boxed ids here (a
     * {@code ConcurrentHashMap<Long, Long>} was three of the objects each young collection copied
     * per trial kept since the one before).
     */
    private final LongLongHashMap byTrial = new LongLongHashMap();
    private final Supplier<ExperimentIndex> index;
    private final LongFunction<LiveExperiment> load;
    private final Supplier<Peers> peers;

    /** {@code load} answers the experiment with an id, loading it when stored but not in memory, or null. */
    ExperimentReferences(Supplier<ExperimentIndex> index, LongFunction<LiveExperiment> load, Supplier<Peers> peers) {
        this.index = index;
        this.load = load;
        this.peers = peers;
    }

    /** Every known experiment's id by name; its lock is the one names change under. */
    Map<String, Long> names() {
        return byName;
    }

    /** Files the trials of an experiment now in memory under it. */
    void holdTrials(LiveExperiment e) {
        inSlices(e.storedTrials(), t -> byTrial.put(t.id(), e.id()));
    }

    /** Records which experiment a newly stored trial belongs to. */
    void holdTrial(long trialId, long experimentId) {
        synchronized (byTrial) {
            byTrial.put(trialId, experimentId);
        }
    }

    /** Forgets the trials of an experiment leaving memory (its name stays known). */
    void evicted(LiveExperiment e) {
        inSlices(e.storedTrials(), t -> {
            if (byTrial.getOrDefault(t.id(), NONE) == e.id()) {
                byTrial.remove(t.id());
            }
        });
    }

    /** {@code each} trial, under {@link #byTrial}'s monitor {@link #PER_HOLD} trials at a time. */
    private void inSlices(List<StoredTrial> trials, Consumer<StoredTrial> each) {
        for (int from = 0; from < trials.size(); from += PER_HOLD) {
            synchronized (byTrial) {
                trials.subList(from, Math.min(trials.size(), from + PER_HOLD)).forEach(each);
            }
        }
    }

    /** Forgets a deleted experiment: its name and its trials. */
    void deleted(LiveExperiment e) {
        byName.remove(e.name(), e.id());
        synchronized (byTrial) {
            byTrial.removeAll((trial, owner) -> owner == e.id());
        }
    }

    /** How many trials are filed under the experiments in memory. */
    int trialsHeld() {
        synchronized (byTrial) {
            return byTrial.size();
        }
    }

    /** The experiment with this name, or with this id. */
    LiveExperiment find(String ref) {
        requireGiven(ref);
        LiveExperiment e = lookup(ref);
        if (peers.get().shared() && (e == null || !stillNamed(e, ref))) {
            peers.get().refresh(); // another coordinator may have created, renamed or deleted it
            e = lookup(ref);
        }
        if (e == null) {
            throw notFound(ref);
        }
        return e;
    }

    /**
     * The name of the experiment with this name, or else this id, as {@link #find} finds it, read
     * from its stored row: neither it nor its trials are loaded. On a database other coordinators
     * share the row is theirs too, so the name is current without catching up.
     */
    String storedName(String ref) {
        requireGiven(ref);
        Optional<StoredExperiment> row = index.get().experimentNamed(ref);
        Long id = asId(ref);
        if (row.isEmpty() && id != null) {
            row = index.get().experiment(id);
        }
        return row.map(StoredExperiment::name).orElseThrow(() -> notFound(ref));
    }

    /**
     * The id of the experiment with this name, or else this id, as {@link #find} looks for it, read
     * without loading it: by the names known here, or on a database other coordinators share by its
     * stored row. Null when {@code ref} names none here and is not an id; an id is answered whether
     * or not such an experiment is stored.
     */
    Long storedId(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        Long id = peers.get().shared() ? index.get().experimentNamed(ref).map(StoredExperiment::id).orElse(null) : byName.get(ref);
        return id != null ? id : asId(ref);
    }

    private static void requireGiven(String ref) {
        if (ref == null || ref.isBlank()) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment reference given; use an experiment's id or name");
        }
    }

    private static TunelabException notFound(String ref) {
        return TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id or name \"" + ref + "\"; list them with tunelab experiments (GET /api/experiments)",
                Map.of("experiment", ref));
    }

    /**
     * Whether an experiment found by its name here still has it in the database: another
     * coordinator may have renamed or deleted it (found by id, it keeps the id).
     */
    private boolean stillNamed(LiveExperiment e, String ref) {
        if (!ref.equals(e.name())) {
            return true;
        }
        try {
            return ref.equals(peers.get().storedName(e)); // the name alone: a step catches up under the lock anyway
        } catch (TunelabException ex) {
            if (ex.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw ex;
        }
    }

    /** The experiment with this name, or else this id, loading it when stored but not in memory; null when none. */
    LiveExperiment lookup(String ref) {
        Long id = byName.get(ref);
        LiveExperiment e = id == null ? null : load.apply(id);
        if (e == null && peers.get().shared()) { // created or renamed by another coordinator
            e = index.get().experimentNamed(ref).map(row -> load.apply(row.id())).orElse(null);
        }
        Long numeric = e == null ? asId(ref) : null;
        if (numeric != null) {
            e = load.apply(numeric);
        }
        return e;
    }

    /** The id {@code ref} reads as when it is not a name: up to 18 digits; null otherwise. */
    private static Long asId(String ref) {
        return !ref.isEmpty() && ref.length() < 19 && ref.chars().allMatch(Character::isDigit) ? Long.parseLong(ref) : null;
    }

    /** The experiment a trial belongs to. */
    LiveExperiment owner(long trialId) {
        Long id = experimentIdOf(trialId);
        LiveExperiment e = id == null ? null : load.apply(id);
        if (e != null && e.trial(trialId) == null) {
            // a trial another coordinator created: the catch-up that finds its owner brings it in
            e = peers.get().shared() && peers.get().ownerOf(trialId) != null ? load.apply(id) : null;
        }
        if (e == null) {
            throw noTrial(trialId);
        }
        return e;
    }

    /**
     * The experiment {@code ref} names, as {@link #find} finds it, when it is loaded ({@code loaded}:
     * its id's experiment in memory, or null), found without a database read or a lock; null
     * otherwise (also for a name not known here), and on a database other coordinators share.
     */
    LiveExperiment findInMemory(String ref, LongFunction<LiveExperiment> loaded) {
        if (ref == null || ref.isBlank() || peers.get().shared()) {
            return null;
        }
        Long id = byName.get(ref);
        if (id == null) {
            id = asId(ref);
        }
        return id == null ? null : loaded.apply(id);
    }

    /**
     * The experiment a trial belongs to when both are in memory, found without a database read and
     * with {@link #byTrial}'s monitor held for one lookup: the experiment loaded ({@code loaded}:
     * its id's experiment in memory, or null) and the trial among its trials; null otherwise, and
     * on a database other coordinators share.
     */
    LiveExperiment ownerInMemory(long trialId, LongFunction<LiveExperiment> loaded) {
        long id = held(trialId);
        LiveExperiment e = id == NONE || peers.get().shared() ? null : loaded.apply(id);
        return e != null && e.trial(trialId) != null ? e : null;
    }

    /**
     * Refuses a trial without a stored row, read from the database even when this coordinator holds
     * the trial: another coordinator may have deleted its experiment before this one caught up.
     */
    void requireStoredTrial(long trialId) {
        if (index.get().experimentOfTrial(trialId).isEmpty()) {
            throw noTrial(trialId);
        }
    }

    /** The id of the experiment a trial belongs to, from the trials in memory or else its stored row; null for none. */
    private Long experimentIdOf(long trialId) {
        long held = held(trialId);
        if (held != NONE) {
            return held;
        }
        var stored = index.get().experimentOfTrial(trialId);
        return stored.isPresent() ? stored.getAsLong() : null;
    }

    /** The experiment id of a trial in memory, or {@link #NONE}. */
    private long held(long trialId) {
        synchronized (byTrial) {
            return byTrial.getOrDefault(trialId, NONE);
        }
    }

    private static TunelabException noTrial(long trialId) {
        return TunelabException.of(ErrorCode.NOT_FOUND, "no trial with id " + trialId, Map.of("trial", trialId));
    }
}
