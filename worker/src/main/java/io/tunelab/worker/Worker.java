package io.tunelab.worker;

import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.RequestId;
import io.tunelab.api.TunelabException;
import io.tunelab.client.LeaseHeartbeats;
import io.tunelab.worker.data.DataCache;
import io.tunelab.worker.runner.Runners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker: N slots, each a thread that leases one trial at a time and runs it, plus one
 * heartbeat loop ({@link LeaseHeartbeats}, shared with the SDK) that renews every running
 * trial's lease. While the server cannot be reached, slots retry with exponential backoff.
 * {@link #stop} stops leasing, lets running trials finish within the grace period, then
 * releases the rest so that other workers take them at once (should the release fail, their leases expire and they are re-leased).
 *
 * <p>Thread-safe; one instance per process.
 */
public final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final Coordinator coordinator;
    private final TrialData data;
    private final Runners runners;
    private final Map<Long, TrialExecution> running = new ConcurrentHashMap<>();
    private final List<Thread> slots = new ArrayList<>();
    private final Set<Thread> idle = ConcurrentHashMap.newKeySet();
    private final LeaseHeartbeats heartbeats;
    /** The slots' failed leases, warned of once when they fail together. */
    private final SharedWarning leaseWarning = new SharedWarning();
    private volatile boolean stopping;
    private volatile boolean abandoning;
    /**
     * How long the server may refuse the worker's token (401, 403) before the worker stops: a
     * wrong token does not mend itself, but a token just made on one coordinator reaches the
     * others within seconds (README, Running for a team).
     */
    static final Duration REFUSAL_PATIENCE = Duration.ofSeconds(15);
    private final Duration refusalPatience;
    /** When the server began refusing the token (System.nanoTime), 0 while it accepts it. */
    private final java.util.concurrent.atomic.AtomicLong refusedSince = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> refusal = new java.util.concurrent.atomic.AtomicReference<>();

    /** A worker with the runners on its class path. */
    Worker(WorkerConfig config, Coordinator coordinator) {
        this(config, coordinator, Runners.load(List.of()));
    }

    /** A worker that runs the tasks of these runners only, and leases nothing else. */
    Worker(WorkerConfig config, Coordinator coordinator, Runners runners) {
        this(config, coordinator, runners, REFUSAL_PATIENCE);
    }

    Worker(WorkerConfig config, Coordinator coordinator, Runners runners, Duration refusalPatience) {
        this.refusalPatience = refusalPatience;
        this.config = config;
        this.coordinator = coordinator;
        this.runners = runners;
        this.data = new TrialData(new DataCache(config.sandbox(), DataCache.DEFAULT_ENTRIES, config.dataCacheBytes()), coordinator);
        this.heartbeats = LeaseHeartbeats.start("heartbeats", coordinator::heartbeat, new HeartbeatLog());
    }

    /** Starts the slots. */
    public void start() {
        for (int i = 0; i < config.slots(); i++) {
            var t = new Thread(this::serve, "slot-" + (i + 1));
            slots.add(t);
            t.start();
        }
        log.info("worker {} serving {} with {} slot(s) and the runners {}", config.name(), config.server(), config.slots(),
                runners.names());
    }

    /** Waits until every slot has ended (after {@link #stop}). */
    public void join() throws InterruptedException {
        for (Thread t : slots) {
            t.join();
        }
    }

    /**
     * Stops leasing; running trials may finish within the grace period, after which they are
     * abandoned. Returns when every slot has ended.
     */
    public void stop() {
        stopping = true;
        idle.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + config.grace().toNanos();
        for (Thread t : slots) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!running.isEmpty()) {
            log.info("grace period over: releasing trials {} to other workers", running.keySet());
            abandoning = true;
            for (TrialExecution execution : running.values()) {
                try {
                    coordinator.release(execution.trialId(), execution.leaseId());
                } catch (RuntimeException e) {
                    log.warn("trial {}: could not release it ({}); its lease will expire", execution.trialId(), e.getMessage());
                }
            }
            for (Thread t : slots) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        heartbeats.close();
        log.info("worker {} stopped", config.name());
    }

    private void serve() {
        var backoff = new Backoff(config.maxBackoff());
        var request = new LeaseRequest(config.name(), runners.names(), (int) config.leaseWait().toSeconds());
        String requestId = RequestId.random();
        while (!stopping) {
            Optional<Lease> lease;
            idle.add(Thread.currentThread());
            long asked = System.nanoTime();
            try {
                lease = coordinator.lease(request, requestId);
                requestId = RequestId.random();
                backoff.reset();
                refusedSince.set(0);
            } catch (TunelabException e) {
                // No reply came (a restart, a dropped connection): the next attempt is the same
                // request under the same id, so a lease the server stored before its reply was lost
                // comes to this slot instead of waiting for its expiry. Any answer ends the request.
                if (!(e instanceof TunelabException.Unavailable)) {
                    requestId = RequestId.random();
                }
                if (stopping) {
                    break;
                }
                if (refusedTooLong(e)) {
                    break;
                }
                Duration pause = backoff.next();
                String warning = "cannot lease from " + config.server() + ": " + e.getMessage() + "; retrying in " + pause.toMillis()
                        + " ms" + (config.slots() > 1 ? " (each slot)" : "");
                if (leaseWarning.first(warning, System.nanoTime())) {
                    log.warn(warning);
                }
                sleep(pause);
                continue;
            } finally {
                idle.remove(Thread.currentThread());
                Thread.interrupted();
            }
            double leaseSeconds = (System.nanoTime() - asked) / 1e9;
            lease.ifPresent(l -> execute(l, leaseSeconds));
        }
    }

    /**
     * Whether the server has refused the token for {@link #refusalPatience} now: then the worker
     * stops, and {@link #refusal} says why.
     */
    private boolean refusedTooLong(TunelabException e) {
        if (!(e instanceof TunelabException.Unauthenticated || e instanceof TunelabException.Forbidden)) {
            return false;
        }
        long now = System.nanoTime();
        refusedSince.compareAndSet(0, now);
        if (now - refusedSince.get() < refusalPatience.toNanos()) {
            return false;
        }
        if (refusal.compareAndSet(null, e.getMessage())) {
            log.error("the server refuses this worker's token: {}; stopping", e.getMessage());
        }
        stopping = true;
        idle.forEach(Thread::interrupt);
        return true;
    }

    /** Why the worker stopped by itself: the server refused its token; empty while it has not. */
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal.get());
    }

    private void execute(Lease lease, double leaseSeconds) {
        var execution = new TrialExecution(lease, leaseSeconds, coordinator, data, config, runners,
                () -> abandoning);
        running.put(execution.trialId(), execution);
        // About three renewals per lease period, so one late renewal does not cost the lease.
        heartbeats.hold(execution.trialId(), execution.leaseId(), Duration.ofSeconds(Math.max(1, execution.leaseSeconds() / 3)));
        try {
            execution.run();
        } finally {
            heartbeats.drop(execution.trialId());
            running.remove(execution.trialId());
        }
    }

    /** A lost lease abandons its trial; any other failed renewal is logged and retried. */
    private final class HeartbeatLog implements LeaseHeartbeats.Listener {
        @Override
        public void lost(long trialId, TunelabException cause) {
            log.warn("trial {}: lease lost ({}); abandoning it", trialId, cause.getMessage());
            TrialExecution execution = running.get(trialId);
            if (execution != null) {
                execution.leaseLost();
            }
        }

        @Override
        public void failed(long trialId, RuntimeException cause) {
            if (cause instanceof TunelabException) {
                log.warn("trial {}: heartbeat failed ({}); will retry", trialId, cause.getMessage());
            } else {
                log.warn("trial {}: heartbeat failed; will retry", trialId, cause);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
