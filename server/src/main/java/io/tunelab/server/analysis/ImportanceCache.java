package io.tunelab.server.analysis;

import io.tunelab.api.ParamImportance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last parameter importance computed per experiment and objective, kept while the
 * experiment's count of finished trials stays the same: finished trials never change, so the
 * same count means the same trials and the same answer. Holds at most {@code capacity}
 * experiment-objective pairs, dropping the least recently asked. Thread-safe; a computation runs
 * outside the lock, so two first requests may both compute (the same answer).
 */
public final class ImportanceCache {
    private final int capacity;
    private final Map<Key, Entry> entries;

    public ImportanceCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The cached importance for this count of finished trials, or the one {@code compute} gives, then cached. */
    public ParamImportance get(long experimentId, int objective, int finishedTrials, Supplier<ParamImportance> compute) {
        var key = new Key(experimentId, objective);
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e != null && e.finishedTrials() == finishedTrials) {
                return e.importance();
            }
        }
        ParamImportance computed = compute.get();
        synchronized (entries) {
            entries.put(key, new Entry(finishedTrials, computed));
            if (entries.size() > capacity) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        return computed;
    }

    private record Key(long experimentId, int objective) {
    }

    private record Entry(int finishedTrials, ParamImportance importance) {
    }
}
