package io.tunelab.worker.data;

import java.util.Map;

/**
 * A dataset ready for a task: its data-quality report, and (when usable) the encoded rows.
 *
 * @param dataset null when the report says the data is unusable
 */
public record PreparedData(Map<String, Object> report, Dataset dataset) {
    public PreparedData {
        report = Map.copyOf(report);
    }

    public boolean usable() {
        return DataReport.usable(report);
    }

    /** The dataset, or an {@link UnusableDataException} carrying the report. */
    public Dataset require() {
        if (dataset == null) {
            throw new UnusableDataException(report, DataReport.problems(report));
        }
        return dataset;
    }
}
