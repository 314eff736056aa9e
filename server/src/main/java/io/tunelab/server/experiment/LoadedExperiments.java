package io.tunelab.server.experiment;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The experiments held in memory, at most {@code max} of them once the pinned ones are counted
 * out, each evicted when it has been idle for {@code idleNanos} or when it is the least recently
 * used beyond the bound. A read, an ask, a tell, a lease or a report {@link #get uses} an
 * experiment; an experiment is evicted only when {@link LiveExperiment#settled() settled} (the
 * database holds all of it) and not pinned (the caller's rule: workers or the lease reaper need
 * it), so eviction never loses or changes anything: the next use loads it from the database.
 *
 * <p>One experiment never has two live copies. An evicted experiment is still reachable through a
 * weak reference: a caller that found it before the eviction may go on changing it, and the next
 * {@link #get} takes that same object back instead of loading another; only once nobody holds it
 * is it loaded afresh. Loads of one experiment are serialised by a lock per id. Thread-safe.
 */
final class LoadedExperiments {
    private static final int LOCKS = 64;

    private final int max;
    private final long idleNanos;
    private final LongSupplier nanos;
    private final Consumer<LiveExperiment> evicted;
    private final Predicate<LiveExperiment> pinned;
    private final Map<Long, LiveExperiment> loaded = new ConcurrentHashMap<>();
    private final Map<Long, Long> lastUse = new ConcurrentHashMap<>();
    private final Map<Long, WeakReference<LiveExperiment>> released = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCKS];

    /**
     * {@code nanos} tells the time of use; {@code pinned} says which experiments stay however idle;
     * {@code evicted} hears of each experiment after its eviction.
     */
    LoadedExperiments(int max, long idleNanos, LongSupplier nanos, Predicate<LiveExperiment> pinned, Consumer<LiveExperiment> evicted) {
        this.pinned = pinned;
        this.max = max;
        this.idleNanos = idleNanos;
        this.nanos = nanos;
        this.evicted = evicted;
        for (int i = 0; i < LOCKS; i++) {
            locks[i] = new Object();
        }
    }

    private Object lock(long id) {
        return locks[(int) Math.floorMod(id, (long) LOCKS)];
    }

    /** How many more experiments fit before a load evicts one ({@code --max-loaded-experiments} less those loaded). */
    int room() {
        return Math.max(0, max - loaded.size());
    }

    /** The experiment in memory (loaded, or evicted but still held by a caller), marked used; null when not in memory. */
    LiveExperiment get(long id) {
        LiveExperiment e = loaded.get(id);
        if (e == null) {
            WeakReference<LiveExperiment> ref = released.get(id);
            if (ref == null || ref.get() == null) {
                return null;
            }
            synchronized (lock(id)) {
                e = inMemory(id);
                if (e == null) {
                    return null;
                }
                lastUse.put(id, nanos.getAsLong());
                loaded.putIfAbsent(id, e);
                released.remove(id);
            }
            bound(id);
            return e;
        }
        lastUse.put(id, nanos.getAsLong());
        return e;
    }

    /**
     * The experiment when it is loaded, marked used; null otherwise, also when it was evicted but is
     * still held by a caller ({@link #get} takes it back under its id's lock, which a load holds).
     */
    LiveExperiment loadedNow(long id) {
        LiveExperiment e = loaded.get(id);
        if (e != null) {
            lastUse.put(id, nanos.getAsLong());
        }
        return e;
    }

    /** The experiment in memory without marking it used (the catalog's look), or null. */
    LiveExperiment peek(long id) {
        return inMemory(id);
    }

    private LiveExperiment inMemory(long id) {
        LiveExperiment e = loaded.get(id);
        if (e == null) {
            WeakReference<LiveExperiment> ref = released.get(id);
            e = ref == null ? null : ref.get();
        }
        return e;
    }

    /**
     * {@link #get}, or else what {@code load} builds from the database (null when nothing is
     * stored), under the id's lock; then evicts the least recently used beyond the bound.
     */
    LiveExperiment get(long id, LongFunction<LiveExperiment> load) {
        LiveExperiment e = get(id);
        if (e != null) {
            return e;
        }
        synchronized (lock(id)) {
            e = get(id);
            if (e != null) {
                return e;
            }
            e = load.apply(id);
            if (e == null) {
                return null;
            }
            put(e);
        }
        bound(id);
        return e;
    }

    /** Evicts the least recently used experiments beyond the bound, sparing {@code spare}; call holding no id's lock. */
    void bound(long spare) {
        evict(false, spare);
    }

    /** Holds a new (or newly loaded) experiment, marked used; {@link #bound} keeps the bound after. */
    void put(LiveExperiment e) {
        lastUse.put(e.id(), nanos.getAsLong());
        loaded.put(e.id(), e);
        released.remove(e.id());
    }

    /** The experiments loaded and not used for {@code quietNanos} or more, in no order. */
    List<LiveExperiment> quiet(long quietNanos) {
        long now = nanos.getAsLong();
        var out = new ArrayList<LiveExperiment>();
        lastUse.forEach((id, at) -> {
            LiveExperiment e = now - at >= quietNanos ? loaded.get(id) : null;
            if (e != null) {
                out.add(e);
            }
        });
        return out;
    }

    /** Forgets a deleted experiment. */
    void remove(LiveExperiment e) {
        synchronized (lock(e.id())) {
            loaded.remove(e.id(), e);
            lastUse.remove(e.id());
            released.remove(e.id());
        }
    }

    /** The experiments loaded now, in no order. */
    List<LiveExperiment> all() {
        return List.copyOf(loaded.values());
    }

    /**
     * Every experiment still in memory, loaded or evicted and not yet collected, each once, in no
     * order: what the gauges count, without the lock. The evicted are looked at before and after
     * the loaded, so an experiment moving either way (evicted: released, then removed; used again:
     * loaded, then no longer released) is found in one of the three looks.
     */
    Collection<LiveExperiment> reachable() {
        var out = new HashMap<Long, LiveExperiment>();
        addReleased(out);
        out.putAll(loaded);
        addReleased(out);
        return out.values();
    }

    /** Adds the evicted experiments still reachable; forgets those collected since (else each eviction left an entry for good). */
    private void addReleased(Map<Long, LiveExperiment> out) {
        released.forEach((id, ref) -> {
            LiveExperiment e = ref.get();
            if (e != null) {
                out.put(id, e);
            } else {
                released.remove(id, ref);
            }
        });
    }

    /** How many evicted experiments are remembered as possibly still held (for tests). */
    int releasedCount() {
        return released.size();
    }

    int size() {
        return loaded.size();
    }

    /**
     * Evicts the experiments idle for the idle time and the least recently used beyond the bound,
     * skipping those not settled or pinned; answers how many it evicted.
     */
    int evict() {
        return evict(true, Long.MIN_VALUE);
    }

    private int evict(boolean idleToo, long spare) {
        int excess = loaded.size() - max;
        if (excess <= 0 && !idleToo) {
            return 0;
        }
        long now = nanos.getAsLong();
        var byAge = new ArrayList<>(lastUse.entrySet());
        byAge.sort(Comparator.comparingLong(Map.Entry::getValue));
        int n = 0;
        for (var use : byAge) {
            boolean idle = idleToo && now - use.getValue() >= idleNanos;
            if (!idle && excess <= 0) {
                break;
            }
            if (use.getKey() != spare && evict(use.getKey())) {
                excess--;
                n++;
            }
        }
        return n;
    }

    private boolean evict(long id) {
        LiveExperiment e;
        synchronized (lock(id)) {
            e = loaded.get(id);
            if (e == null) {
                return false;
            }
            synchronized (e) {
                if (!e.settled() || pinned.test(e)) {
                    return false;
                }
                // Released before removed: see reachable().
                released.put(id, new WeakReference<>(e));
                loaded.remove(id, e);
                lastUse.remove(id);
            }
        }
        evicted.accept(e);
        return true;
    }
}
