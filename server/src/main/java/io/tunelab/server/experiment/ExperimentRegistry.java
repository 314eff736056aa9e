package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredFirstReads;
import io.tunelab.server.strategy.SearchStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The experiments, found by id, by name or by one of their trials ({@link ExperimentReferences}), and the counters that give
 * new experiments and trials their ids. Only some are in memory ({@link LoadedExperiments}): one
 * is loaded from the database when first used and evicted when idle; {@link #load()} at start
 * loads only those that workers or the lease reaper need. The constructor does no I/O. Thread-safe.
 */
final class ExperimentRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRegistry.class);

    private final Storage storage;
    private final ExperimentReader reader;
    private final LoadedExperiments loaded;
    /** The ids of every stored experiment (on a database other coordinators share, those this one knows of). */
    private final Set<Long> ids = ConcurrentHashMap.newKeySet();
    /** Finds experiments by name, id or trial; {@link #byName} is its map of names, changed under its lock. */
    private final ExperimentReferences references;
    private final Map<String, Long> byName;
    /** On a database other coordinators share, the revision last seen of each experiment not in memory. */
    private final Map<Long, Long> seenElsewhere = new ConcurrentHashMap<>();
    private final UnloadedSummaries unloaded;
    /** Whether anyone listens to the live events: then experiments other coordinators change are followed in memory. */
    private BooleanSupplier listened = () -> false;
    /** Told of each experiment evicted (its cached ranking goes). */
    private LongConsumer onEviction = id -> { };
    private final AtomicLong lastExperimentId = new AtomicLong();
    private final AtomicLong lastTrialId = new AtomicLong();
    /** The other coordinators on the same database, once wired ({@link #sharing}); ids and lookups go through them. */
    private Peers peers;

    /** {@code strategies} builds an experiment's strategy from its spec and seed; {@code nanos} tells the time of each use. */
    ExperimentRegistry(Storage storage, BiFunction<ExperimentSpec, Long, SearchStrategy> strategies, CoordinatorConfig config,
                       LongSupplier nanos) {
        this.storage = storage;
        this.reader = new ExperimentReader(storage, strategies, () -> peers.shared());
        this.unloaded = new UnloadedSummaries(storage, () -> peers.shared());
        this.references = new ExperimentReferences(storage::index, this::load, () -> peers);
        this.byName = references.names();
        this.loaded = new LoadedExperiments(config.maxLoadedExperiments(), config.evictIdleAfter().toNanos(), nanos,
                ExperimentReader::pinned, this::evicted);
    }

    /** {@code listened} says whether anyone listens to the live events now. */
    void listenedBy(BooleanSupplier listened) {
        this.listened = listened;
    }

    /** {@code firstReads} makes what a browser reads first of an experiment, stored beside its summary (null for none). */
    void firstReadsBy(Function<LiveExperiment, StoredFirstReads> firstReads) {
        unloaded.firstReadsBy(firstReads);
    }

    /** {@code listener} hears the id of each experiment evicted. */
    void onEviction(LongConsumer listener) {
        this.onEviction = listener;
    }

    /** Shares the database with other coordinators through {@code peers}. Call before {@link #load()}. */
    void sharing(Peers peers) {
        this.peers = peers;
    }

    /**
     * Learns every stored experiment's id and loads those that must stay in memory: with a trial
     * under a lease, or with a task for workers to run (see {@link ExperimentReader#pinned}). Call once, before serving.
     */
    void load() {
        long maxExperiment = 0;
        Set<Long> leased = storage.index().experimentsWithLeases();
        Set<Long> finalizing = reader.finalizing();
        storage.shared().ifPresent(db -> seenElsewhere.putAll(db.revisions()));
        for (StoredExperiment row : storage.experiments()) {
            ids.add(row.id());
            byName.put(row.name(), row.id());
            maxExperiment = Math.max(maxExperiment, row.id());
            if (reader.mustStayLoaded(row, leased, finalizing)) {
                loaded.put(read(row));
            }
        }
        lastExperimentId.set(Math.max(maxExperiment, storage.maxExperimentId()));
        lastTrialId.set(storage.maxTrialId());
        LOG.info("{} experiments stored, {} loaded (with leases or tasks for workers), {} trials loaded", ids.size(),
                loaded.size(), references.trialsHeld());
    }

    /** Builds a stored experiment's memory ({@link ExperimentReader#read}) and records its name and trials. */
    private LiveExperiment read(StoredExperiment row) {
        LiveExperiment live = reader.read(row);
        references.holdTrials(live);
        byName.put(row.name(), row.id());
        unloaded.changed(row.id());
        return live;
    }

    /** The experiment with this id, loaded from the database when not in memory; null when none is stored. */
    private LiveExperiment load(long id) {
        return loaded.get(id, x -> storage.index().experiment(x).map(row -> {
            ids.add(row.id());
            return read(row);
        }).orElse(null));
    }

    /**
     * How long an experiment in memory goes unused before its summary and first reads are stored,
     * when it changed since they last were: a kill then loses only the last half minute's.
     */
    static final Duration STORE_WHEN_QUIET = Duration.ofSeconds(30);
    private volatile long quietNanos = STORE_WHEN_QUIET.toNanos();

    /** Stores the changed summaries of experiments unused for {@code quiet} instead of {@link #STORE_WHEN_QUIET} (for tests). */
    void storeWhenQuietFor(Duration quiet) {
        quietNanos = quiet.toNanos();
    }

    /**
     * Evicts the experiments idle for the idle time and those beyond the bound, then stores the
     * summaries of those quiet for {@link #STORE_WHEN_QUIET} that changed since theirs was stored;
     * answers how many it evicted.
     */
    int evictIdle() {
        int evicted = loaded.evict();
        unloaded.storeChanged(loaded.quiet(quietNanos));
        return evicted;
    }

    private void evicted(LiveExperiment e) {
        references.evicted(e);
        unloaded.evicted(e);
        onEviction.accept(e.id());
    }

    /** Stores the catalog summaries of the experiments in memory, for the next start (at a clean stop). */
    void storeSummaries() {
        unloaded.store(loaded.all());
    }

    /** How many more experiments fit in memory before a load evicts one. */
    int roomToLoad() {
        return loaded.room();
    }

    /** How many experiments are in memory now. */
    int loadedCount() {
        return loaded.size();
    }

    /** Drops what the catalog knows of an experiment that is not in memory, once it changed. */
    void changed(long experimentId) {
        unloaded.changed(experimentId);
    }

    /**
     * Another coordinator created or changed an experiment this one does not hold in memory: learns
     * its name, and answers whether to load it now: workers lease from it (see {@link ExperimentReader#pinned}), or
     * someone listens to the live events here and should see the change.
     * Reads its row only when the revision moved since last seen.
     */
    boolean wantsLoading(long experimentId, long revision) {
        Long seen = seenElsewhere.put(experimentId, revision);
        if (seen != null && seen == revision) {
            return false;
        }
        return storage.index().experiment(experimentId).map(row -> {
            ids.add(row.id());
            byName.put(row.name(), row.id());
            return listened.getAsBoolean() || ExperimentReader.leasedFrom(row);
        }).orElse(false);
    }

    SearchStrategy strategy(ExperimentSpec spec, long seed) {
        return reader.strategy(spec, seed);
    }

    long nextTrialId() {
        return peers.shared() ? peers.nextTrialId() : lastTrialId.incrementAndGet();
    }

    /**
     * Holds an experiment another coordinator created or changed, with none of its trials yet
     * (revision -1: the caller's catch-up reads them all through the journal, which announces
     * them to this coordinator's live events); the one in memory when there is one.
     */
    LiveExperiment adopt(StoredExperiment row) {
        ids.add(row.id());
        byName.put(row.name(), row.id());
        return loaded.get(row.id(), id -> {
            unloaded.changed(id);
            return reader.empty(row);
        });
    }

    /** The experiment with this id in memory, or null: a read does not load it. */
    LiveExperiment byId(long id) {
        return loaded.peek(id);
    }

    /**
     * Registers a new experiment under a name no other has: {@code persist} writes its row
     * first, so a failed write registers nothing.
     */
    LiveExperiment register(String name, LongFunction<LiveExperiment> build, Consumer<StoredExperiment> persist) {
        synchronized (byName) {
            if (lookup(name) != null) {
                throw duplicateName(name);
            }
            if (peers.shared()) {
                return registerShared(name, build, persist);
            }
            LiveExperiment live = build.apply(lastExperimentId.incrementAndGet());
            persist.accept(live.row());
            hold(live);
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
            LiveExperiment holder = lookup(name);
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
                    LiveExperiment taken = lookup(name);
                    if (taken != null && taken != e) {
                        throw nameTaken(name);
                    }
                }
                throw ex;
            }
            byName.remove(old, e.id());
            byName.put(name, e.id());
            unloaded.changed(e.id());
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
        byName.remove(old, e.id());
        byName.put(e.name(), e.id());
        unloaded.changed(e.id());
    }

    /** Forgets a deleted experiment and its trials. */
    void remove(LiveExperiment e) {
        synchronized (byName) {
            references.deleted(e);
            loaded.remove(e);
            ids.remove(e.id());
            unloaded.changed(e.id());
        }
    }

    /** Another coordinator may have taken the name: its row then refuses ours, and the name is a duplicate. */
    private LiveExperiment registerShared(String name, LongFunction<LiveExperiment> build,
                                          Consumer<StoredExperiment> persist) {
        LiveExperiment live = build.apply(peers.nextExperimentId());
        try {
            persist.accept(live.row());
        } catch (RuntimeException ex) {
            peers.refresh();
            if (lookup(name) != null) {
                throw duplicateName(name);
            }
            throw ex;
        }
        live.revision = 0;
        hold(live);
        peers.announce(live.id());
        return live;
    }

    /** Holds a new experiment in memory. */
    private void hold(LiveExperiment live) {
        ids.add(live.id());
        byName.put(live.name(), live.id());
        loaded.put(live);
        loaded.bound(live.id());
    }

    private static TunelabException duplicateName(String name) {
        return TunelabException.of(ErrorCode.DUPLICATE_NAME, "an experiment named \"" + name
                + "\" exists already; choose another name, or resume it with: tunelab sweep resume " + ShellWord.of(name),
                Map.of("name", name));
    }

    /** Records which experiment a newly stored trial belongs to. */
    void registerTrial(long trialId, LiveExperiment e) {
        references.holdTrial(trialId, e.id());
    }

    /** The experiment with this name, or with this id ({@link ExperimentReferences#find}). */
    LiveExperiment find(String ref) {
        return references.find(ref);
    }

    /**
     * The id of the experiment {@code ref} names ({@link ExperimentReferences#storedId}) when it is
     * not in memory; null when it is, or when {@code ref} names none.
     */
    Long unloadedId(String ref) {
        Long id = references.storedId(ref);
        return id == null || loaded.peek(id) != null ? null : id;
    }

    /** The name of the experiment with this name or id, read without loading it ({@link ExperimentReferences#storedName}). */
    String storedName(String ref) {
        return references.storedName(ref);
    }

    private LiveExperiment lookup(String ref) {
        return references.lookup(ref);
    }

    /**
     * {@link #find}, for a read: on a database other coordinators share, brought up to what they
     * wrote first (when its stored revision moved), so a read after a change made elsewhere sees it.
     */
    LiveExperiment current(String ref) {
        LiveExperiment e = find(ref);
        return peers.fresh(e);
    }

    /** {@link #owner}, for a read: brought up to what other coordinators wrote, as {@link #current}. */
    LiveExperiment currentOwner(long trialId) {
        return peers.fresh(owner(trialId));
    }

    /** Refuses a trial the database does not have, whatever this coordinator holds ({@link ExperimentReferences#requireStoredTrial}). */
    void requireStoredTrial(long trialId) {
        references.requireStoredTrial(trialId);
    }

    /** The experiment a trial belongs to ({@link ExperimentReferences#owner}). */
    LiveExperiment owner(long trialId) {
        return references.owner(trialId);
    }

    /** {@link #find}, answered only from memory ({@link ExperimentReferences#findInMemory}): null where finding it might wait. */
    LiveExperiment findInMemory(String ref) {
        return references.findInMemory(ref, loaded::loadedNow);
    }

    /**
     * {@link #owner}, answered only from memory ({@link ExperimentReferences#ownerInMemory}): null
     * where finding it might read the database or wait for a lock (an experiment being loaded).
     */
    LiveExperiment ownerInMemory(long trialId) {
        return references.ownerInMemory(trialId, loaded::loadedNow);
    }

    /** Every experiment in memory, by id: those workers lease from and the reaper watches are always among them. */
    List<LiveExperiment> all() {
        return loaded.all().stream().sorted(Comparator.comparingLong(LiveExperiment::id)).toList();
    }

    /** {@link #summaries()} after catching up on what other coordinators sharing the database changed. */
    List<ExperimentSummary> currentSummaries() {
        peers.refresh();
        return summaries();
    }

    /**
     * Every experiment's summary, by id: from memory for those loaded, else from {@link UnloadedSummaries}.
     * On a database other coordinators share, the stored experiments and their revisions name what to show.
     */
    List<ExperimentSummary> summaries() {
        Map<Long, Long> revisions = peers.shared() ? storage.shared().orElseThrow().revisions() : null;
        return unloaded.catalog(revisions != null ? revisions.keySet() : ids, revisions, loaded::peek);
    }

    int size() {
        return ids.size();
    }

    /** Trials in one state, over every experiment in memory or summarised, each counted once. */
    int trialsIn(TrialState state) {
        // The summaries first: an experiment evicted meanwhile is then still found in memory.
        Iterable<ExperimentSummary> summarised = unloaded.known();
        var inMemory = new HashSet<Long>();
        int n = 0;
        for (LiveExperiment e : loaded.reachable()) {
            inMemory.add(e.id());
            n += e.count(state);
        }
        // An experiment in memory again keeps the summary made at its eviction until it changes.
        for (ExperimentSummary s : summarised) {
            if (!inMemory.contains(s.id())) {
                n += s.trials().getOrDefault(state, 0);
            }
        }
        return n;
    }

    /** Trials running or waiting, over every experiment in memory or summarised. */
    int activeTrials() {
        return trialsIn(TrialState.RUNNING) + trialsIn(TrialState.WAITING);
    }
}
