package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Json;
import io.tunelab.api.Trial;
import io.tunelab.server.storage.ExperimentIndex;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredFirstReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * The summaries of experiments that are not in memory, for the catalog: kept from the moment one
 * was evicted, or read from the database when first asked for: the summary stored there at the
 * experiment's current revision ({@link StoredSummaries}) when there is one, else made from the
 * row, the labels and the trials' tally ({@link io.tunelab.server.storage.ExperimentIndex#tally})
 * and stored for the next start; one experiment's summary is read once however many ask for it at
 * the same time. Every summary made here or kept at eviction is stored with the revision read
 * before it, as is that of an experiment in memory once it changed and then went unused a while
 * ({@link #storeChanged}), so a start after a clean stop or a kill reads the catalog without
 * reading any trial but those of experiments changed since.
 * A summary is dropped whenever its experiment changes ({@link #changed}) and, on a database other
 * coordinators share, read again once the experiment's revision moved. Thread-safe; {@link #of}
 * may block.
 */
final class UnloadedSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(UnloadedSummaries.class);

    /** A summary and the experiment's revision it shows (0 on a database this process alone writes). */
    private record Known(ExperimentSummary summary, long revision) {
    }

    private final Storage storage;
    /** Whether other coordinators share the database: then a memory's revision is its own, not the database's. */
    private final BooleanSupplier shared;
    private final StoredSummaries stored;
    private final Map<Long, Known> known = new ConcurrentHashMap<>();
    /** Counts changes; {@link #changedAt} holds the count at each experiment's last, so a read that began before it keeps nothing of it. */
    private final AtomicLong changes = new AtomicLong();
    private final Map<Long, Long> changedAt = new ConcurrentHashMap<>();
    private final Object[] reading = new Object[64];
    /** What a browser reads first of an experiment in memory, made under its monitor; null when not worth storing. */
    private volatile Function<LiveExperiment, StoredFirstReads> firstReads = e -> null;

    UnloadedSummaries(Storage storage, BooleanSupplier shared) {
        this.storage = storage;
        this.shared = shared;
        this.stored = new StoredSummaries(storage);
        for (int i = 0; i < reading.length; i++) {
            reading[i] = new Object();
        }
    }

    /** {@code firstReads} makes what a browser reads first of an experiment, stored beside its summary (null for none). */
    void firstReadsBy(Function<LiveExperiment, StoredFirstReads> firstReads) {
        this.firstReads = firstReads;
    }

    /** How many summaries to read one by one at least before one pass over every trial reads them (see {@link #readAll}). */
    private static final int ONE_BY_ONE = 32;

    /**
     * The summaries of the experiments {@code ids}, by id: from memory for those {@code inMemory}
     * finds, else known or read; {@code revisions} gives each one's revision (null on a database
     * this process alone writes). An experiment no longer stored is left out.
     */
    List<ExperimentSummary> catalog(Collection<Long> ids, Map<Long, Long> revisions, LongFunction<LiveExperiment> inMemory) {
        var every = new ArrayList<>(ids);
        every.sort(null);
        readAllIfMany(every, revisions, id -> inMemory.apply(id) != null, ONE_BY_ONE);
        var out = new ArrayList<ExperimentSummary>(every.size());
        for (long id : every) {
            LiveExperiment e = inMemory.apply(id);
            var summary = e != null ? e.summary() : of(id, revisions == null ? 0 : revisions.get(id));
            if (summary != null) {
                out.add(summary);
            }
        }
        return out;
    }

    /** Keeps the summary of an experiment just evicted, at the revision its memory showed, and stores it. */
    void evicted(LiveExperiment e) {
        known.put(e.id(), new Known(store(e), Math.max(0, e.revision)));
    }

    /** Stores the summaries of experiments in memory (at a clean stop) and writes every one queued before returning. */
    void store(Collection<LiveExperiment> inMemory) {
        inMemory.forEach(this::store);
        stored.flush();
    }

    /**
     * Queues the summaries of experiments in memory that changed since theirs was last stored, with
     * their first reads: given those unused for a while ({@link ExperimentRegistry#evictIdle}), so
     * that a start after a kill finds the summary and first reads of an experiment that went quiet
     * before it current, instead of reading its trials. One not settled is left for a later call.
     * Writes what it queued before returning (the caller is the reaper, off any request's path).
     */
    void storeChanged(Collection<LiveExperiment> quiet) {
        boolean any = false;
        for (LiveExperiment e : quiet) {
            if (e.changedSinceSummaryStored()) {
                store(e);
                any = true;
            }
        }
        if (any) {
            stored.flush();
        }
    }

    /**
     * Queues the summary of an experiment in memory for storing, at the revision the database has
     * of what memory shows: the memory's own on a shared database, where every step raises it; on
     * one this process alone writes, the stored revision, read while no write of it is under way
     * (settled, under its monitor) so memory and database agree, and the experiment's next write
     * raises it ({@link LiveExperiment#raisesRevision}), so the summary is current until then.
     * What a browser reads first of it is made in the same state and stored beside it.
     * Answers the summary.
     */
    private ExperimentSummary store(LiveExperiment e) {
        ExperimentSummary summary;
        StoredFirstReads first = null;
        long revision;
        synchronized (e) {
            summary = e.summary();
            revision = e.deleted() || !e.settled() ? -1 : shared.getAsBoolean() ? e.revision : storage.index().revision(e.id());
            if (revision >= 0) {
                e.raisesRevision = true;
                e.summaryStored();
                first = firstReads(e);
            }
        }
        if (revision >= 0) {
            stored.store(e.id(), revision, summary, first);
        }
        return summary;
    }

    /** What a browser reads first of {@code e}; null when it could not be made (the summary is stored without it). */
    private StoredFirstReads firstReads(LiveExperiment e) {
        try {
            return firstReads.apply(e);
        } catch (RuntimeException ex) {
            LOG.debug("could not make the first reads of experiment {}: {}", e.id(), ex.getMessage());
            return null;
        }
    }

    /** Drops what is known of an experiment that changed, was loaded or deleted. */
    void changed(long experimentId) {
        changedAt.put(experimentId, changes.incrementAndGet());
        known.remove(experimentId);
    }

    /** Whether the summary of the experiment at {@code revision} is known. */
    boolean knows(long experimentId, long revision) {
        Known k = known.get(experimentId);
        return k != null && k.revision() == revision;
    }

    /**
     * {@link #readAll} when more than {@code many} of {@code ids} (but those {@code skip} names) are
     * not known at their revision; one caller at a time, so a start's warm-up and a first reader
     * of the catalog share one pass.
     */
    private synchronized void readAllIfMany(Collection<Long> ids, Map<Long, Long> revisions, LongPredicate skip,
                                    int many) {
        long unknown = ids.stream().filter(id -> !skip.test(id) && !knows(id, revisions == null ? 0 : revisions.get(id))).count();
        if (unknown > many) {
            readAll(revisions, skip);
        }
    }

    /**
     * Reads the summaries of every stored experiment but those {@code skip} names: those stored at
     * their experiment's revision in one query, as stored (the revision rises with any change of
     * the row, labels or trials); the others, when at most a quarter of them (or 32), one by one,
     * else in one pass over every trial (four queries instead of three per experiment), then stores them.
     * {@code revisions} gives each one's revision, read before this (null on a database this
     * process alone writes). What changed while it read, or became known meanwhile, is left as it is.
     */
    private void readAll(Map<Long, Long> revisions, LongPredicate skip) {
        long t0 = System.nanoTime();
        long before = changes.get();
        // Read before the summaries and the trials: what changes meanwhile is stored as stale, never as current.
        Map<Long, Long> current = revisions != null ? revisions : storage.index().revisions();
        Map<Long, ExperimentSummary> kept = stored.read();
        var missing = new HashSet<Long>();
        for (long id : current.keySet()) {
            if (skip.test(id) || changedAt.getOrDefault(id, 0L) > before) {
                continue;
            }
            // At the revision it was stored at, nothing of the experiment changed: not its row, labels or trials.
            if (kept.containsKey(id)) {
                known.putIfAbsent(id, new Known(kept.get(id), revisions == null ? 0 : current.get(id)));
            } else {
                missing.add(id);
            }
        }
        // One by one, each read costs its own trials; the pass costs every trial: it pays off only
        // when a good part of the experiments is missing (as on a database from before V13).
        if (missing.size() <= Math.max(ONE_BY_ONE, current.size() / 4)) {
            missing.forEach(id -> of(id, revisions == null ? 0 : current.get(id)));
        } else {
            readTrials(missing, current, revisions != null);
        }
        LOG.info("catalog: {} summaries read as stored, {} made from the trials, in {} ms", kept.size(), missing.size(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Makes the summaries of {@code missing} in one pass over every trial and stores them at their revisions in {@code current}. */
    private void readTrials(Set<Long> missing, Map<Long, Long> current, boolean shared) {
        var rows = new HashMap<Long, StoredExperiment>();
        storage.experiments().forEach(row -> {
            if (missing.contains(row.id())) {
                rows.put(row.id(), row);
            }
        });
        Map<Long, String> labels = storage.index().labels();
        var best = new HashMap<Long, Trial>();
        Map<Long, ExperimentIndex.Tally> tallies = storage.index().tallies(t -> {
            StoredExperiment row = rows.get(t.experimentId());
            if (row != null) {
                best.put(t.experimentId(), Summaries.better(row.spec(), best.get(t.experimentId()), t));
            }
        });
        for (StoredExperiment row : rows.values()) {
            long id = row.id();
            ExperimentIndex.Tally tally = tallies.get(id);
            ExperimentLabels l = labels.containsKey(id) ? Json.read(labels.get(id), ExperimentLabels.class) : ExperimentLabels.none();
            var summary = tally == null ? Summaries.of(row, Map.of(), null, null, l, 0)
                    : Summaries.of(row, tally.counts(), best.get(id), tally.lastActivity(), l, tally.imported());
            known.putIfAbsent(id, new Known(summary, shared ? current.get(id) : 0));
            stored.store(id, current.get(id), summary, null);
        }
    }

    /** The summary of the experiment at {@code revision}, read from the database unless known; null when it is not stored. */
    ExperimentSummary of(long experimentId, long revision) {
        Known k = known.get(experimentId);
        if (k != null && k.revision() == revision) {
            return k.summary();
        }
        synchronized (reading[(int) Math.floorMod(experimentId, (long) reading.length)]) {
            k = known.get(experimentId);
            return k != null && k.revision() == revision ? k.summary() : read(experimentId, revision);
        }
    }

    private ExperimentSummary read(long experimentId, long revision) {
        // Read before the summary and the trials, as in readAll.
        long current = storage.index().revision(experimentId);
        ExperimentSummary summary = stored.read(experimentId).orElse(null);
        if (summary == null) {
            StoredExperiment row = storage.index().experiment(experimentId).orElse(null);
            if (row == null) {
                known.remove(experimentId);
                return null;
            }
            ExperimentLabels labels = storage.labels(experimentId).map(json -> Json.read(json, ExperimentLabels.class))
                    .orElse(ExperimentLabels.none());
            summary = Summaries.of(row, storage.index().tally(experimentId), labels);
            stored.store(experimentId, current, summary, null);
        }
        known.put(experimentId, new Known(summary, revision));
        return summary;
    }

    /** The summaries known now, without reading the database (for the gauges). */
    Iterable<ExperimentSummary> known() {
        return known.values().stream().map(Known::summary).toList();
    }
}
