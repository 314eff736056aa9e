package io.tunelab.worker.data;

import io.tunelab.api.SearchSpace;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Prepared datasets by source, target and type, so that the trials of an experiment read,
 * check and encode their data once per worker. CSV files are read through the worker's
 * {@link DataSandbox}; one is read again when its size or modification time changes.
 *
 * <p>Bounded: it keeps at most {@code maxEntries} datasets and, by an estimate of their
 * encoded size, about {@code maxBytes}, evicting the least recently used first. The dataset
 * prepared last is always kept, even when it alone is over the byte budget, so that the
 * trials of one large experiment do not read it again each time. Refusals and errors are not
 * kept. Thread-safe; concurrent requests for one dataset wait for one preparation.
 */
public final class DataCache {
    /** How many prepared datasets a worker keeps. */
    public static final int DEFAULT_ENTRIES = 16;

    private final DataSandbox sandbox;
    private final int maxEntries;
    private final long maxBytes;
    /** In access order: the eldest entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        final CompletableFuture<PreparedData> data = new CompletableFuture<>();
        long bytes;
    }

    public DataCache(DataSandbox sandbox, int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the data cache needs room for at least one dataset, got " + maxEntries
                    + " entries and " + maxBytes + " bytes");
        }
        this.sandbox = sandbox;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * The prepared data of a task's dataset, its report warning of classes with fewer rows than
     * the task's validation folds ({@link Splits#fewerRowsThanFolds}). Bad input (unknown name,
     * missing file) throws INVALID_SPEC; a file the sandbox refuses throws {@link DataRefusedException}.
     */
    public PreparedData prepare(DatasetSpec spec) {
        return prepare(spec, null);
    }

    /**
     * {@link #prepare(DatasetSpec)} for a trial of an experiment searching {@code space} (null
     * when unknown): when it searches the folds, the warning holds for every trial's folds, not
     * only for those of {@code spec}.
     */
    public PreparedData prepare(DatasetSpec spec, SearchSpace space) {
        PreparedData prepared = cached(spec);
        // The folds are the task's, not the data's: tasks that differ only in them share the cached data.
        String warning = prepared.dataset() == null ? null : Splits.fewerRowsThanFolds(prepared.dataset(), spec, space);
        return warning == null ? prepared : new PreparedData(DataReport.withWarning(prepared.report(), warning), prepared.dataset());
    }

    private PreparedData cached(DatasetSpec spec) {
        DataSandbox.Located file = spec.source() instanceof DatasetSource.CsvFile(var path) ? sandbox.locate(path) : null;
        String key = (file == null ? spec.source().describe() : file.real() + "|" + file.size() + "@" + file.modifiedMillis())
                + "|" + spec.target() + "|" + spec.type() + "|" + spec.drop();
        var mine = new Entry();
        Entry existing;
        synchronized (this) {
            existing = entries.get(key);
            if (existing == null) {
                entries.put(key, mine);
            }
        }
        if (existing != null) {
            return await(existing);
        }
        try {
            RawTable table = file == null ? ((DatasetSource.Bundled) spec.source()).read() : sandbox.read(file);
            PreparedData prepared = prepare(table, spec);
            mine.data.complete(prepared);
            synchronized (this) {
                mine.bytes = estimatedBytes(prepared);
                evict(key);
            }
            return prepared;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                entries.remove(key, mine);
            }
            mine.data.completeExceptionally(e);
            throw e;
        }
    }

    /** How many datasets are kept now. */
    synchronized int size() {
        return entries.size();
    }

    static PreparedData prepare(RawTable read, DatasetSpec spec) {
        RawTable table = read.without(spec.drop());
        Map<String, Object> report = DataReport.of(table, spec.target(), spec.type());
        List<String> unknown = spec.drop().stream().filter(c -> read.indexOf(c) < 0).toList();
        if (!unknown.isEmpty()) {
            report = DataReport.withProblem(report, "dataset.drop names " + DataReport.columnsOf(unknown) + ", not columns of the "
                    + "data; columns: " + DataReport.columnsOf(read.columns()));
        }
        if (!DataReport.usable(report)) {
            return new PreparedData(report, null);
        }
        return new PreparedData(report, Encoding.fit(table, spec.target(), spec.type()).encode(table));
    }

    /** The encoded rows and targets, as the JVM lays them out (arrays of doubles with their headers). */
    static long estimatedBytes(PreparedData prepared) {
        Dataset d = prepared.dataset();
        if (d == null) {
            return 1024;
        }
        return (long) d.rows() * (16 + 8 + 8L * d.width()) + 16 + 8L * d.rows() + 1024;
    }

    /** Drops the least recently used entries until within both bounds, keeping the one just prepared. */
    private void evict(String keep) {
        long total = entries.values().stream().mapToLong(e -> e.bytes).sum();
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || total > maxBytes) && it.hasNext()) {
            Map.Entry<String, Entry> eldest = it.next();
            if (!eldest.getKey().equals(keep)) {
                total -= eldest.getValue().bytes;
                it.remove();
            }
        }
    }

    private static PreparedData await(Entry entry) {
        try {
            return entry.data.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
