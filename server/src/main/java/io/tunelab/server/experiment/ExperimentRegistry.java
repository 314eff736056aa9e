package io.tunelab.server.experiment;

import io.tunelab.api.TrialState;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.server.pruner.Pruners;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.SearchStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The live experiments, found by id, by name or by one of their trials, and the counters that
 * give new experiments and trials their ids. Filled from storage by {@link #load()}; the
 * constructor does no I/O. Thread-safe.
 */
final class ExperimentRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRegistry.class);

    private final Storage storage;
    private final BiFunction<ExperimentSpec, Long, SearchStrategy> strategies;
    private final Map<Long, LiveExperiment> byId = new ConcurrentHashMap<>();
    private final Map<String, LiveExperiment> byName = new ConcurrentHashMap<>();
    private final Map<Long, LiveExperiment> byTrial = new ConcurrentHashMap<>();
    private final AtomicLong lastExperimentId = new AtomicLong();
    private final AtomicLong lastTrialId = new AtomicLong();
    /** The other coordinators on the same database, once wired ({@link #sharing}); ids and lookups go through them. */
    private Peers peers;

    /** {@code strategies} builds an experiment's strategy from its spec and seed. */
    ExperimentRegistry(Storage storage, BiFunction<ExperimentSpec, Long, SearchStrategy> strategies) {
        this.storage = storage;
        this.strategies = strategies;
    }

    /** Shares the database with other coordinators through {@code peers}. Call before {@link #load()}. */
    void sharing(Peers peers) {
        this.peers = peers;
    }

    /** Reads every stored experiment and trial into memory. Call once, before serving. */
    void load() {
        long maxExperiment = 0;
        // Read before the trials: a later change is caught up on, never missed.
        Map<Long, Long> revisions = peers.shared() ? storage.shared().orElseThrow().revisions() : Map.of();
        for (StoredExperiment row : storage.experiments()) {
            List<StoredTrial> trials = storage.trials(row.id());
            FinalizationRow finalization = storage.finalization(row.id())
                    .map(json -> Json.read(json, FinalizationRow.class)).orElse(null);
            var live = LiveExperiment.of(row, strategy(row.spec(), row.seed()), Pruners.create(row.spec().pruner()), trials,
                    finalization);
            storage.labels(row.id()).map(json -> Json.read(json, io.tunelab.api.ExperimentLabels.class)).ifPresent(live::loadLabels);
            live.revision = revisions.getOrDefault(row.id(), -1L);
            trials.forEach(t -> byTrial.put(t.id(), live));
            byId.put(row.id(), live);
            byName.put(row.name(), live);
            maxExperiment = Math.max(maxExperiment, row.id());
        }
        lastExperimentId.set(Math.max(maxExperiment, storage.maxExperimentId()));
        lastTrialId.set(storage.maxTrialId());
        LOG.info("loaded {} experiments, {} trials", byId.size(), byTrial.size());
    }

    SearchStrategy strategy(ExperimentSpec spec, long seed) {
        return strategies.apply(spec, seed);
    }

    long nextTrialId() {
        return peers.shared() ? peers.nextTrialId() : lastTrialId.incrementAndGet();
    }

    /** Registers an experiment another coordinator created, with none of its trials yet (revision -1: all to catch up on). */
    LiveExperiment adopt(StoredExperiment row) {
        synchronized (byName) {
            LiveExperiment known = byId.get(row.id());
            if (known != null) {
                return known;
            }
            var live = new LiveExperiment(row, strategy(row.spec(), row.seed()), Pruners.create(row.spec().pruner()));
            live.revision = -1;
            byId.put(row.id(), live);
            byName.put(row.name(), live);
            return live;
        }
    }

    /** The experiment with this id in memory, or null. */
    LiveExperiment byId(long id) {
        return byId.get(id);
    }

    /**
     * Registers a new experiment under a name no other has: {@code persist} writes its row
     * first, so a failed write registers nothing.
     */
    LiveExperiment register(String name, java.util.function.LongFunction<LiveExperiment> build, Consumer<StoredExperiment> persist) {
        synchronized (byName) {
            if (byName.containsKey(name)) {
                throw duplicateName(name);
            }
            if (peers.shared()) {
                return registerShared(name, build, persist);
            }
            LiveExperiment live = build.apply(lastExperimentId.incrementAndGet());
            persist.accept(live.row());
            byId.put(live.id(), live);
            byName.put(name, live);
            return live;
        }
    }

    /**
     * Gives an experiment a new name no other has: {@code persist} writes the renamed row first
     * (under the lock that keeps names unique), so a failed write renames nothing.
     */
    void rename(LiveExperiment e, String name, Runnable persist) {
        if (peers.shared()) {
            peers.refresh(); // the name may be another coordinator's new experiment's
        }
        synchronized (byName) {
            LiveExperiment holder = byName.get(name);
            if (holder == e) {
                return;
            }
            if (holder != null) {
                throw nameTaken(name);
            }
            String old = e.name();
            try {
                persist.run();
            } catch (RuntimeException ex) {
                if (peers.shared()) {
                    peers.refresh(); // taken meanwhile on another coordinator: its row refuses ours
                    if (byName.get(name) != null && byName.get(name) != e) {
                        throw nameTaken(name);
                    }
                }
                throw ex;
            }
            byName.remove(old, e);
            byName.put(name, e);
        }
    }

    private static TunelabException nameTaken(String name) {
        return TunelabException.of(ErrorCode.DUPLICATE_NAME, "an experiment named \"" + name
                + "\" exists already; choose another name", Map.of("name", name));
    }

    /**
     * Files an experiment another coordinator renamed under its new name, no longer under
     * {@code old}. Called while catching up, inside the experiment's step: it takes no lock of
     * the registry, since {@link #rename} and {@link #register} hold that lock while they wait for
     * a step (the database's unique names keep two experiments from one name).
     */
    void renamed(LiveExperiment e, String old) {
        byName.remove(old, e);
        byName.put(e.name(), e);
    }

    /** Forgets a deleted experiment and its trials. */
    void remove(LiveExperiment e) {
        synchronized (byName) {
            byName.remove(e.name(), e);
            byId.remove(e.id(), e);
            byTrial.values().removeIf(owner -> owner == e);
        }
    }

    /** Another coordinator may have taken the name: its row then refuses ours, and the name is a duplicate. */
    private LiveExperiment registerShared(String name, java.util.function.LongFunction<LiveExperiment> build,
                                          Consumer<StoredExperiment> persist) {
        LiveExperiment live = build.apply(peers.nextExperimentId());
        try {
            persist.accept(live.row());
        } catch (RuntimeException ex) {
            peers.refresh();
            if (byName.containsKey(name)) {
                throw duplicateName(name);
            }
            throw ex;
        }
        live.revision = 0;
        byId.put(live.id(), live);
        byName.put(name, live);
        peers.announce(live.id());
        return live;
    }

    private static TunelabException duplicateName(String name) {
        return TunelabException.of(ErrorCode.DUPLICATE_NAME, "an experiment named \"" + name
                + "\" exists already; choose another name, or resume it with: tunelab sweep resume " + name,
                Map.of("name", name));
    }

    /** Records which experiment a newly stored trial belongs to. */
    void registerTrial(long trialId, LiveExperiment e) {
        byTrial.put(trialId, e);
    }

    /** The experiment with this name, or with this id. */
    LiveExperiment find(String ref) {
        if (ref == null || ref.isBlank()) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment reference given; use an experiment's id or name");
        }
        LiveExperiment e = lookup(ref);
        if (peers.shared() && (e == null || !stillNamed(e, ref))) {
            peers.refresh(); // another coordinator may have created, renamed or deleted it
            e = lookup(ref);
        }
        if (e == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no experiment with id or name \"" + ref + "\"; list them with GET /api/experiments",
                    Map.of("experiment", ref));
        }
        return e;
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
            return ref.equals(peers.fresh(e).name());
        } catch (TunelabException ex) {
            if (ex.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw ex;
        }
    }

    private LiveExperiment lookup(String ref) {
        LiveExperiment e = byName.get(ref);
        if (e == null && ref.chars().allMatch(Character::isDigit) && ref.length() < 19) {
            e = byId.get(Long.parseLong(ref));
        }
        return e;
    }

    /**
     * {@link #find}, for a read: on a database other coordinators share, brought up to what they
     * wrote first (when its stored revision moved), so a read after a change made elsewhere sees it.
     */
    LiveExperiment current(String ref) {
        LiveExperiment e = find(ref);
        return peers.shared() && ref.equals(e.name()) ? e : peers.fresh(e); // by name, find brought it up already
    }

    /** {@link #owner}, for a read: brought up to what other coordinators wrote, as {@link #current}. */
    LiveExperiment currentOwner(long trialId) {
        return peers.fresh(owner(trialId));
    }

    /** The experiment a trial belongs to. */
    LiveExperiment owner(long trialId) {
        LiveExperiment e = byTrial.get(trialId);
        if (e == null && peers.shared() && peers.ownerOf(trialId) != null) {
            e = byTrial.get(trialId); // a trial another coordinator created
        }
        if (e == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no trial with id " + trialId, Map.of("trial", trialId));
        }
        return e;
    }

    /** Every experiment, by id; on a database other coordinators share, read as they left it (created, changed, deleted). */
    List<LiveExperiment> allCurrent() {
        peers.refresh();
        return all();
    }

    /** Every experiment, by id. */
    List<LiveExperiment> all() {
        return byId.values().stream().sorted(Comparator.comparingLong(LiveExperiment::id)).toList();
    }

    int size() {
        return byId.size();
    }

    /** Trials in one state, over every experiment. */
    int trialsIn(TrialState state) {
        return byId.values().stream().mapToInt(e -> e.count(state)).sum();
    }

    /** Trials running or waiting, over every experiment. */
    int activeTrials() {
        return byId.values().stream().mapToInt(LiveExperiment::active).sum();
    }
}
