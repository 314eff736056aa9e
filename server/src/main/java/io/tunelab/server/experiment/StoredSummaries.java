package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Json;
import io.tunelab.api.TrialState;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredFirstReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The catalog summaries kept in the database ({@code experiment_summary}, V13), each with the
 * experiment's revision it shows: a start reads the catalog from them instead of from every
 * trial. A summary is read back only while its experiment's revision has not moved
 * ({@link io.tunelab.server.storage.ExperimentIndex#summaries()}), and written only while it has
 * not ({@link Storage.Changes#putSummary}), so one stored before a change, or by another
 * coordinator at an older revision, is never served: whoever stores a summary must give the
 * revision read before what the summary was made of.
 *
 * <p>{@link #store} queues the write and returns (an eviction on a request's path waits for no
 * disk); one background thread writes what is queued in one write; {@link #flush} writes it now.
 * A write that fails is logged and dropped: the summary is then made again from the trials.
 * Thread-safe.
 */
final class StoredSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(StoredSummaries.class);

    /** One summary to store, at the revision it shows, with what a browser reads first of it (or null). */
    record Pending(long experimentId, long revision, ExperimentSummary summary, StoredFirstReads firstReads) {
    }

    private final Storage storage;
    /** What waits to be written, the newest revision per experiment. */
    private final Map<Long, Pending> queued = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    StoredSummaries(Storage storage) {
        this.storage = storage;
    }

    /**
     * Queues a summary to store at {@code revision}, with what a browser reads first of the
     * experiment at that revision (null for none); a queued one at a newer revision wins.
     */
    void store(long experimentId, long revision, ExperimentSummary summary, StoredFirstReads firstReads) {
        queued.merge(experimentId, new Pending(experimentId, revision, summary, firstReads), (a, b) -> b.revision() >= a.revision() ? b : a);
        if (writing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("tunelab-summaries").start(this::drain);
        }
    }

    /** Writes everything queued now, and returns once it is written (or failed). */
    void flush() {
        synchronized (this) {
            write(take());
        }
    }

    private void drain() {
        do {
            synchronized (this) {
                write(take());
            }
            writing.set(false);
        } while (!queued.isEmpty() && writing.compareAndSet(false, true));
    }

    private List<Pending> take() {
        var batch = new ArrayList<Pending>();
        for (Long id : List.copyOf(queued.keySet())) {
            Pending p = queued.remove(id);
            if (p != null) {
                batch.add(p);
            }
        }
        return batch;
    }

    private void write(Collection<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            storage.write(c -> batch.forEach(p -> c.putSummary(p.experimentId(), p.revision(), Json.write(p.summary()), p.firstReads())));
        } catch (RuntimeException e) {
            // Another coordinator storing the same summary at the same moment, or the storage closing.
            LOG.debug("could not store {} catalog summaries: {}", batch.size(), e.getMessage());
        }
    }

    /** Every summary stored at its experiment's current revision, by id. */
    Map<Long, ExperimentSummary> read() {
        var out = new HashMap<Long, ExperimentSummary>();
        storage.index().summaries().forEach((id, json) -> out.put(id, parse(json)));
        return out;
    }

    /** The summary stored at the experiment's current revision, if there is one. */
    Optional<ExperimentSummary> read(long experimentId) {
        return storage.index().summary(experimentId).map(StoredSummaries::parse);
    }

    /**
     * A stored summary, its counts taken in by state as {@link Summaries} builds them, so it is
     * written out (JSON) in the same order as the summary of the experiment in memory.
     */
    private static ExperimentSummary parse(String json) {
        ExperimentSummary s = Json.read(json, ExperimentSummary.class);
        var counts = new EnumMap<TrialState, Integer>(TrialState.class);
        counts.putAll(s.trials());
        return new ExperimentSummary(s.id(), s.name(), s.state(), counts, s.best(), s.bestTrial(), s.objectives(), s.strategy(),
                s.budget(), s.created(), s.updated(), s.stopReason(), s.labels(), s.imported());
    }
}
