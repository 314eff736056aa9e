package io.tunelab.client;

import io.tunelab.api.TunelabException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The heartbeat loop that keeps leases alive: one background thread that, once a second,
 * renews each held trial's lease whose renewal is due, for as long as the trial is held.
 * {@link ExperimentHandle#optimize} holds its SDK trials here, and the worker holds its slots'
 * trials here; each says how often its leases are renewed and what a lost lease means to it.
 *
 * <p>When the server answers that the lease is gone ({@code LEASE_LOST}, {@code TRIAL_FINISHED}
 * or {@code NOT_FOUND}), the trial is dropped and the {@link Listener} hears it; any other
 * failure (the server is unreachable) is reported and the renewal is tried again on the next
 * tick, not a whole interval later, so that a short outage does not cost the lease.
 *
 * <p>Thread-safe: {@link #hold} and {@link #drop} may be called from any thread while the loop
 * runs. The listener is called on the loop's thread.
 */
public final class LeaseHeartbeats implements AutoCloseable {
    /** How often the loop looks for due renewals. */
    static final Duration TICK = Duration.ofSeconds(1);

    /** Renews one lease; throws the server's {@link TunelabException} when it cannot. */
    @FunctionalInterface
    public interface Renewal {
        void renew(long trialId, String leaseId);
    }

    /** What the holder hears about its leases; both methods run on the loop's thread. */
    public interface Listener {
        /** The server says this lease is gone; the trial is no longer held. */
        void lost(long trialId, TunelabException cause);

        /** A renewal failed for another reason; it is tried again on the next tick. */
        void failed(long trialId, RuntimeException cause);

        /** A listener for holders whose next call to the server finds out what became of the trial. */
        static Listener ignoring() {
            return new Listener() {
                @Override
                public void lost(long trialId, TunelabException cause) {
                }

                @Override
                public void failed(long trialId, RuntimeException cause) {
                }
            };
        }
    }

    /** One held lease: its id, how often it is renewed, and when the next renewal is due (nanos). */
    private record Held(String leaseId, long everyNanos, long dueNanos) {
    }

    private final Renewal renewal;
    private final Listener listener;
    private final LongSupplier nanoClock;
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop;

    LeaseHeartbeats(Renewal renewal, Listener listener, LongSupplier nanoClock, ScheduledExecutorService loop) {
        this.renewal = renewal;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.loop = loop;
    }

    /** Starts the loop on a daemon thread named {@code threadName}; close it to stop. */
    public static LeaseHeartbeats start(String threadName, Renewal renewal, Listener listener) {
        var loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name(threadName).unstarted(r));
        var heartbeats = new LeaseHeartbeats(renewal, listener, System::nanoTime, loop);
        loop.scheduleWithFixedDelay(() -> {
            try {
                heartbeats.renewDue();
            } catch (RuntimeException e) {
                // A listener that throws must not end every other trial's renewals.
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return heartbeats;
    }

    /**
     * Holds a trial's lease from now on, renewing it every {@code every} (the first renewal one
     * interval from now: the lease was just granted). Holding a held trial again replaces its lease.
     */
    public void hold(long trialId, String leaseId, Duration every) {
        if (leaseId == null || leaseId.isBlank()) {
            throw new IllegalArgumentException("trial " + trialId + ": a held trial needs its lease id, got " + leaseId);
        }
        if (every.compareTo(TICK) < 0) {
            throw new IllegalArgumentException("trial " + trialId + ": renewals can be at most one per " + TICK.toSeconds()
                    + " s, got every " + every.toMillis() + " ms");
        }
        long everyNanos = every.toNanos();
        held.put(trialId, new Held(leaseId, everyNanos, nanoClock.getAsLong() + everyNanos));
    }

    /** Stops renewing a trial's lease (it finished, or was given back); a trial not held is ignored. */
    public void drop(long trialId) {
        held.remove(trialId);
    }

    /** Renews every held lease that is due; the loop's tick. */
    void renewDue() {
        long now = nanoClock.getAsLong();
        held.forEach((trialId, h) -> {
            if (now - h.dueNanos() < 0) {
                return;
            }
            try {
                renewal.renew(trialId, h.leaseId());
                held.replace(trialId, h, new Held(h.leaseId(), h.everyNanos(), now + h.everyNanos()));
            } catch (TunelabException.LeaseLost | TunelabException.TrialFinished | TunelabException.NotFound e) {
                if (held.remove(trialId, h)) {
                    listener.lost(trialId, e);
                }
            } catch (RuntimeException e) {
                listener.failed(trialId, e);
            }
        });
    }

    /** Stops the loop; held leases are no longer renewed. */
    @Override
    public void close() {
        loop.shutdownNow();
    }
}
