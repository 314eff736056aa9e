package io.tunelab.worker;

import io.tunelab.worker.data.DataSandbox;

import java.time.Duration;

/**
 * How a worker runs, built once in main from the command line.
 *
 * @param server      the server URL
 * @param name        how the worker names itself in leases and provenance ({@code host:pid})
 * @param slots       how many trials run at once
 * @param leaseWait   how long one lease request may wait for work (the server's long poll)
 * @param grace       on SIGTERM, how long running trials may take to finish before they are
 *                    abandoned (their leases then expire and the server re-leases them)
 * @param maxBackoff  the longest pause between retries while the server is unreachable
 * @param sandbox     which CSV files tasks may name ({@code --data-root}, {@code --max-data-mb})
 * @param dataCacheBytes about how much memory prepared datasets may keep, in bytes ({@code --data-cache-mb})
 */
public record WorkerConfig(String server, String name, int slots, Duration leaseWait, Duration grace,
                           Duration maxBackoff, DataSandbox sandbox, long dataCacheBytes) {
    /** At most this many trials at once: 999 slots on a laptop would only run it out of memory. */
    public static final int MAX_SLOTS = 256;
    /** The longest a lease request may wait, in seconds: the server answers one within a minute. */
    public static final int MAX_LEASE_WAIT_SECONDS = 60;
    /** The longest grace on SIGTERM, in seconds. */
    public static final int MAX_GRACE_SECONDS = 3600;
    /** The largest data cache, in MB (64 GB). */
    public static final int MAX_DATA_CACHE_MB = 65_536;
    /** The default data cache, in MB. */
    public static final int DEFAULT_DATA_CACHE_MB = 1024;

    /** A worker that reads the bundled datasets only, with the default data cache. */
    public WorkerConfig(String server, String name, int slots, Duration leaseWait, Duration grace, Duration maxBackoff) {
        this(server, name, slots, leaseWait, grace, maxBackoff, DataSandbox.bundledOnly(), (long) DEFAULT_DATA_CACHE_MB << 20);
    }

    public WorkerConfig {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("--slots must be from 1 to " + MAX_SLOTS + " (trials at once; each trains in "
                    + "memory of its own), got " + slots);
        }
        if (leaseWait.isNegative() || leaseWait.toSeconds() > MAX_LEASE_WAIT_SECONDS) {
            throw new IllegalArgumentException("--lease-wait-seconds must be from 0 to " + MAX_LEASE_WAIT_SECONDS + ", got "
                    + leaseWait.toSeconds());
        }
        if (grace.isNegative() || grace.toSeconds() > MAX_GRACE_SECONDS) {
            throw new IllegalArgumentException("--grace-seconds must be from 0 to " + MAX_GRACE_SECONDS + ", got " + grace.toSeconds());
        }
        if (dataCacheBytes < 1 || dataCacheBytes > (long) MAX_DATA_CACHE_MB << 20) {
            throw new IllegalArgumentException("--data-cache-mb must be from 1 to " + MAX_DATA_CACHE_MB + ", got " + (dataCacheBytes >> 20));
        }
    }
}
