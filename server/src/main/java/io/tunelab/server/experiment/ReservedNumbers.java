package io.tunelab.server.experiment;

import io.tunelab.api.Trial;
import io.tunelab.server.strategy.Configurations;
import io.tunelab.server.strategy.TrialHistory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trial numbers an experiment handed out whose trials are not stored yet, and the
 * configurations already proposed for them: memory only, for the moments between a proposal and
 * its commit. Concurrent asks propose from the same history, and a strategy whose proposal is a
 * function of the history (a Gaussian process's optimum of its acquisition) proposes the same
 * configuration to each of them; with these, a later proposal sees the earlier ones as running
 * trials, and a proposal that repeats one is made again.
 *
 * <p>Not thread-safe: its {@link LiveExperiment} calls it under its monitor.
 */
final class ReservedNumbers {
    /** A configuration proposed for a reserved number, with its key and when it was proposed. */
    private record Proposed(Map<String, Object> params, String key, Instant at) {
    }

    private int count;
    /**
     * The number the next new trial gets: one past the largest number handed out or stored.
     * Numbers may have holes (an ask whose write failed, or a crash between two concurrent asks'
     * writes), so this is not the count of trials; a number is never handed out twice.
     */
    private int next;
    private final TreeMap<Integer, Proposed> proposed = new TreeMap<>();

    /** Reserves the next trial number. */
    int reserve() {
        count++;
        return next++;
    }

    /** Ends the reservation of {@code number}: its trial is stored, or will not be. */
    void end(int number) {
        count--;
        proposed.remove(number);
    }

    /**
     * Ends the reservation of a number whose trial will not be added. Only the last number handed
     * out is taken back; an earlier one stays a hole, since a later number may be stored already.
     */
    void release(int number) {
        end(number);
        if (number == next - 1) {
            next--;
        }
    }

    /** Takes note of a stored trial's number, so no later reservation hands it out again. */
    void stored(int number) {
        next = Math.max(next, number + 1);
    }

    int count() {
        return count;
    }

    /** Records that {@code params}, whose configuration key is {@code key}, were proposed for the reserved {@code number}. */
    void proposed(int number, Map<String, Object> params, String key, Instant at) {
        proposed.put(number, new Proposed(params, key, at));
    }

    /** Whether exactly these {@code params} (the same map) are recorded for {@code number} already. */
    boolean recorded(int number, Map<String, Object> params) {
        Proposed p = proposed.get(number);
        return p != null && p.params() == params;
    }

    /** Whether a reserved number other than {@code number} was proposed the configuration with {@code key}. */
    boolean proposedElsewhere(int number, String key) {
        for (var e : proposed.entrySet()) {
            if (e.getKey() != number && e.getValue().key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** {@code stored} and the configurations proposed for reserved numbers other than {@code number}, as one set. */
    Configurations.Seen seen(Configurations.Seen stored, int number) {
        var keys = new HashSet<String>();
        proposed.forEach((n, p) -> {
            if (n != number) {
                keys.add(p.key());
            }
        });
        return keys.isEmpty() ? stored : config -> stored.contains(config) || keys.contains(Configurations.key(config));
    }

    /**
     * {@code history} with the configurations proposed for reserved numbers other than
     * {@code number} after it, as RUNNING trials of the experiment (ids below zero, in number
     * order): what a strategy does with a running trial it then does with these. {@code history}
     * itself when there are none.
     */
    TrialHistory.Snapshot withProposed(TrialHistory.Snapshot history, int number, long experimentId) {
        if (proposed.isEmpty() || proposed.size() == 1 && proposed.containsKey(number)) {
            return history;
        }
        var running = new ArrayList<Trial>(proposed.size());
        proposed.forEach((n, p) -> {
            if (n != number) {
                running.add(Transitions.started(-1L - n, experimentId, n, p.params(), p.at(), null));
            }
        });
        return history.plus(running);
    }
}
