package io.tunelab.worker.data;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared datasets by source, target and type, so that the trials of an experiment read,
 * check and encode their data once per worker. A CSV file is read again when its size or
 * modification time changes. Thread-safe; concurrent requests for one dataset wait for one
 * preparation.
 */
public final class DataCache {
    private final Map<String, PreparedData> prepared = new ConcurrentHashMap<>();

    /** The prepared data of a task's dataset; bad input (unknown name, missing file) throws INVALID_SPEC. */
    public PreparedData prepare(DatasetSpec spec) {
        return prepared.computeIfAbsent(key(spec), k -> load(spec));
    }

    static PreparedData load(DatasetSpec spec) {
        RawTable table = spec.source().read();
        Map<String, Object> report = DataReport.of(table, spec.target(), spec.type());
        if (!DataReport.usable(report)) {
            return new PreparedData(report, null);
        }
        return new PreparedData(report, Encoding.fit(table, spec.target(), spec.type()).encode(table));
    }

    private static String key(DatasetSpec spec) {
        String version = "";
        if (spec.source() instanceof DatasetSource.CsvFile(var path)) {
            try {
                version = Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis();
            } catch (IOException e) {
                version = "unreadable";
            }
        }
        return spec.source().describe() + "|" + version + "|" + spec.target() + "|" + spec.type();
    }
}
