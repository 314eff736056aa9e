package io.tunelab.server.analysis;

import io.tunelab.api.ParamImportance;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The last parameter importance computed per experiment and objective, kept while the
 * experiment's count of finished trials stays the same: finished trials never change, so the
 * same count means the same trials and the same answer. An answer is served only for the count
 * it was computed from, never for another: the caller passes the count of the experiment as the
 * database holds it now (caught up on what other coordinators wrote), so each coordinator's cache
 * answers as the others do. Fitting the forest takes a while on a large experiment, so callers
 * asking for the same count while it is being computed wait for that one computation. Holds at
 * most {@code capacity} experiment-objective pairs, dropping the least recently asked.
 * Thread-safe.
 */
public final class ImportanceCache {
    private final int capacity;
    private final Map<Key, Entry> entries;
    private final Map<Computation, CompletableFuture<ParamImportance>> running = new HashMap<>();

    public ImportanceCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The cached importance for this count of finished trials; else the one being computed for
     * this count, waited for; else the one {@code compute} gives (run on the calling thread), then
     * cached (unless an answer for a larger count was cached meanwhile).
     */
    public ParamImportance get(long experimentId, int objective, int finishedTrials, Supplier<ParamImportance> compute) {
        var key = new Key(experimentId, objective);
        var computation = new Computation(key, finishedTrials);
        CompletableFuture<ParamImportance> mine;
        CompletableFuture<ParamImportance> theirs;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null && e.finishedTrials() == finishedTrials) {
                return e.importance();
            }
            theirs = running.get(computation);
            mine = theirs == null ? new CompletableFuture<>() : null;
            if (mine != null) {
                running.put(computation, mine);
            }
        }
        if (mine == null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            ParamImportance computed = compute.get();
            synchronized (this) {
                Entry newer = entries.get(key);
                if (newer == null || newer.finishedTrials() < finishedTrials) {
                    entries.put(key, new Entry(finishedTrials, computed));
                }
                if (entries.size() > capacity) {
                    entries.remove(entries.keySet().iterator().next());
                }
            }
            mine.complete(computed);
            return computed;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            synchronized (this) {
                running.remove(computation);
            }
        }
    }

    private record Key(long experimentId, int objective) {
    }

    /** One computation under way: of an experiment and objective, from a count of finished trials. */
    private record Computation(Key key, int finishedTrials) {
    }

    private record Entry(int finishedTrials, ParamImportance importance) {
    }
}
