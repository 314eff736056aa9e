package io.tunelab.server.strategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations of an experiment's trials (every state), kept as trials are added and as
 * define-by-run params join them, so that "was this configuration proposed?" costs one hash
 * lookup, and a {@link Configurations#key} comparison per fingerprint match, however many trials
 * the experiment has. Equality is the same as a scan of the history's: {@link Configurations.Seen}.
 *
 * <p>Every change gets the next version, and a {@link #snapshot()} answers for the
 * configurations as they were when it was taken, whatever changes after. A proposal that takes
 * its history and its snapshot together (under the experiment's monitor) therefore sees exactly
 * the configurations of that history, and its strategy stays a function of the seed and the
 * history. After a restart the set is rebuilt by adding the stored trials, in any order.
 *
 * <p>A configuration that a trial no longer has (a define-by-run param joined it) stays as an
 * entry that no later snapshot sees: one per param suggested, no more than the trials' rows hold.
 * Thread-safe.
 */
public final class ProposedConfigurations {
    /** One trial's configuration from version {@code added} until (excluding) version {@code superseded}. */
    private record Entry(Map<String, Object> params, long added, long superseded) {
        boolean visibleAt(long version) {
            return added <= version && version < superseded;
        }
    }

    private final Map<Long, List<Entry>> byFingerprint = new HashMap<>();
    private long version;

    /** Adds a trial's configuration. */
    public synchronized void add(Map<String, Object> params) {
        version++;
        put(params);
    }

    /**
     * Replaces one trial's configuration {@code before} with {@code after} (a define-by-run param
     * joined it); nothing changes when they are equal. Should no trial have {@code before}, {@code after}
     * is simply added: the caller applies a change already written, which must not fail half-way.
     */
    public synchronized void change(Map<String, Object> before, Map<String, Object> after) {
        if (before.equals(after)) {
            return;
        }
        version++;
        String key = Configurations.key(before);
        List<Entry> same = byFingerprint.getOrDefault(Configurations.fingerprint(before), List.of());
        for (int i = 0; i < same.size(); i++) {
            Entry e = same.get(i);
            if (e.superseded() == Long.MAX_VALUE && Configurations.key(e.params()).equals(key)) {
                same.set(i, new Entry(e.params(), e.added(), version));
                break;
            }
        }
        put(after);
    }

    private void put(Map<String, Object> params) {
        byFingerprint.computeIfAbsent(Configurations.fingerprint(params), f -> new ArrayList<>(1))
                .add(new Entry(params, version, Long.MAX_VALUE));
    }

    /** Whether a trial has a configuration equal to this one now. */
    public synchronized boolean contains(Map<String, Object> config) {
        return contains(config, version);
    }

    /** The set as it is now, unchanged by later changes. */
    public synchronized Configurations.Seen snapshot() {
        long at = version;
        return config -> contains(config, at);
    }

    private synchronized boolean contains(Map<String, Object> config, long at) {
        List<Entry> same = byFingerprint.get(Configurations.fingerprint(config));
        if (same == null) {
            return false;
        }
        String key = null;
        for (Entry e : same) {
            if (e.visibleAt(at)) {
                key = key == null ? Configurations.key(config) : key;
                if (Configurations.key(e.params()).equals(key)) {
                    return true;
                }
            }
        }
        return false;
    }
}
