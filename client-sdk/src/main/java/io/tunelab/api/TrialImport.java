package io.tunelab.api;

import java.util.List;

/**
 * What an import of trials from a CSV did: how many rows became trials ({@code imported}, their
 * ids in {@code trials}, in row order) and how many rows were skipped because their state was
 * not a finished one (WAITING, RUNNING or RACED_OUT).
 */
public record TrialImport(int imported, int skipped, List<Long> trials) {
    public TrialImport {
        trials = trials == null ? List.of() : List.copyOf(trials);
    }
}
