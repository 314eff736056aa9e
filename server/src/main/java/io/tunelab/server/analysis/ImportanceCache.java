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
 * same count means the same trials and the same answer. Fitting the forest takes a while on a
 * large experiment, so one computation at a time runs per experiment and objective: while it
 * runs, callers get the previous answer (its {@code trials} says how many trials it saw), or,
 * when there is none yet, wait for the running one. Holds at most {@code capacity}
 * experiment-objective pairs, dropping the least recently asked. Thread-safe.
 */
public final class ImportanceCache {
    private final int capacity;
    private final Map<Key, Entry> entries;
    private final Map<Key, CompletableFuture<ParamImportance>> running = new HashMap<>();

    public ImportanceCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The cached importance for this count of finished trials; else the previous one while another
     * computation runs; else the one {@code compute} gives (run on the calling thread), then cached.
     */
    public ParamImportance get(long experimentId, int objective, int finishedTrials, Supplier<ParamImportance> compute) {
        var key = new Key(experimentId, objective);
        CompletableFuture<ParamImportance> mine;
        CompletableFuture<ParamImportance> theirs;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null && e.finishedTrials() == finishedTrials) {
                return e.importance();
            }
            theirs = running.get(key);
            if (theirs != null && e != null) {
                return e.importance();
            }
            mine = theirs == null ? new CompletableFuture<>() : null;
            if (mine != null) {
                running.put(key, mine);
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
                entries.put(key, new Entry(finishedTrials, computed));
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
                running.remove(key);
            }
        }
    }

    private record Key(long experimentId, int objective) {
    }

    private record Entry(int finishedTrials, ParamImportance importance) {
    }
}
