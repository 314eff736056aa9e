package io.tunelab.server.experiment;

import io.tunelab.server.storage.StoredTrial;

import java.util.HashSet;
import java.util.Set;

/**
 * The rows of one experiment whose write is under way: its trials, its own row (with its
 * finalization and labels) and its delete. A step that changes a held row waits until the write
 * holding it is applied or abandoned, so two steps never plan on the same row at once. Not
 * thread-safe: its {@link LiveExperiment}'s monitor guards it.
 */
final class WriteHolds {
    private final Set<Long> trials = new HashSet<>();
    private boolean row;
    private boolean deleting;

    /** Whether a row the entry changes is held by another entry's write. */
    boolean blocks(Journal.Entry entry) {
        if (deleting) {
            return true; // nothing plans while the experiment's delete is being written
        }
        if (entry.deletes && (row || !trials.isEmpty())) {
            return true; // the delete waits for the writes under way
        }
        if (changesRow(entry) && row) {
            return true;
        }
        for (StoredTrial t : entry.replaced) {
            if (trials.contains(t.id())) {
                return true;
            }
        }
        return false;
    }

    void hold(Journal.Entry entry) {
        row |= changesRow(entry);
        deleting |= entry.deletes;
        entry.replaced.forEach(t -> trials.add(t.id()));
    }

    void release(Journal.Entry entry) {
        if (entry.deletes) {
            deleting = false;
        }
        if (changesRow(entry)) {
            row = false;
        }
        entry.replaced.forEach(t -> trials.remove(t.id()));
    }

    /** Whether no write is under way. */
    boolean none() {
        return !row && !deleting && trials.isEmpty();
    }

    private static boolean changesRow(Journal.Entry entry) {
        return entry.experiment != null || entry.finalization != null || entry.labels != null;
    }
}
