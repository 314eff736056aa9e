package io.tunelab.server.strategy;

import com.carrotsearch.hppc.LongObjectHashMap;

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
    /**
     * One trial's configuration from version {@code added} until (excluding) version
     * {@code superseded}, and the next one with the same fingerprint: a chain per fingerprint in a
     * map of primitive keys, so that a configuration the set keeps costs this one object (a
     * {@code HashMap<Long, List<Entry>>} added a node, a boxed key, a list and its array per trial,
     * each copied by the young collections of a server that keeps thousands).
     */
    private static final class Entry {
        final Map<String, Object> params;
        final long added;
        long superseded = Long.MAX_VALUE;
        final Entry next;

        Entry(Map<String, Object> params, long added, Entry next) {
            this.params = params;
            this.added = added;
            this.next = next;
        }

        boolean visibleAt(long version) {
            return added <= version && version < superseded;
        }
    }

    private final LongObjectHashMap<Entry> byFingerprint = new LongObjectHashMap<>();
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
        for (Entry e = byFingerprint.get(Configurations.fingerprint(before)); e != null; e = e.next) {
            if (e.superseded == Long.MAX_VALUE && Configurations.key(e.params).equals(key)) {
                e.superseded = version;
                break;
            }
        }
        put(after);
    }

    private void put(Map<String, Object> params) {
        long fingerprint = Configurations.fingerprint(params);
        byFingerprint.put(fingerprint, new Entry(params, version, byFingerprint.get(fingerprint)));
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
        String key = null;
        for (Entry e = byFingerprint.get(Configurations.fingerprint(config)); e != null; e = e.next) {
            if (e.visibleAt(at)) {
                key = key == null ? Configurations.key(config) : key;
                if (Configurations.key(e.params).equals(key)) {
                    return true;
                }
            }
        }
        return false;
    }
}
