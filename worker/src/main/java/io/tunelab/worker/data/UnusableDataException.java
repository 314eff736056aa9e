package io.tunelab.worker.data;

import java.util.List;
import java.util.Map;

/**
 * The data cannot be trained on at all (no rows, no target column, a text target for
 * regression): no configuration could succeed, so the experiment should stop. Carries the
 * data-quality report that says why.
 */
public final class UnusableDataException extends RuntimeException {
    private final transient Map<String, Object> report;

    public UnusableDataException(Map<String, Object> report, List<String> problems) {
        super("the data is unusable: " + String.join("; ", problems));
        this.report = Map.copyOf(report);
    }

    public Map<String, Object> report() {
        return report;
    }
}
