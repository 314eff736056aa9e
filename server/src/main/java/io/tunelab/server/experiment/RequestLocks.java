package io.tunelab.server.experiment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per request id in use, for the requests whose attempts under one id must not run side
 * by side in this process (a batch ask, a worker's lease): a retry sent while its first attempt
 * still runs waits for it, then finds what the first stored. Side by side the retry could find the
 * work taken before the first attempt's answer was stored, and answer less or none. A lock lives
 * while a request under its id runs; other ids never wait for it. Thread-safe.
 */
final class RequestLocks {
    /** A lock and how many requests under its id hold or wait for it. */
    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** {@code work}'s result, run while holding the lock of {@code key}'s id; at once for no key. */
    <T> T under(RequestKey key, Supplier<T> work) {
        if (key == null) {
            return work.get();
        }
        Held h = held.compute(key.id(), (id, h0) -> {
            Held one = h0 == null ? new Held() : h0;
            one.users++;
            return one;
        });
        h.lock.lock();
        try {
            return work.get();
        } finally {
            h.lock.unlock();
            held.compute(key.id(), (id, h0) -> --h0.users == 0 ? null : h0);
        }
    }

    /** How many ids have a request running or waiting (for tests). */
    int size() {
        return held.size();
    }
}
