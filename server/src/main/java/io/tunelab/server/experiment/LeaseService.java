package io.tunelab.server.experiment;

import io.micrometer.core.instrument.Counter;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.StoredTrial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Leases: workers take trials of the experiments whose task they can run (they have every
 * runner the trials may need, see {@link TaskRunners}), keep them with
 * heartbeats and give them back; {@link #reapExpiredLeases()} puts the trials of silent workers
 * back to WAITING, or fails them after too many expiries. The server schedules the reaper;
 * this class starts no thread. Thread-safe; every method may block.
 */
public final class LeaseService {
    /** The kind of request a worker's lease is stored as, under its request id. */
    static final String LEASE_KIND = "lease";
    /** The shortest time a lease is kept for the retry of a worker that went away ({@link #retryGrace}). */
    static final int MIN_RETRY_GRACE_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseService.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Proposals proposals;
    private final Finalizations finalizations;
    private final WorkSignal work;
    private final StorageClock clock;
    private final CoordinatorConfig config;
    private final Counter expirations;
    private final Peers peers;
    private final Requests requests;
    /** Leases under one request id run one at a time in this process. */
    private final RequestLocks leasing = new RequestLocks();

    LeaseService(ExperimentRegistry registry, Journal journal, Proposals proposals, Finalizations finalizations, WorkSignal work,
                 StorageClock clock, CoordinatorConfig config, Counter expirations, Peers peers, Requests requests) {
        this.requests = requests;
        this.expirations = expirations;
        this.peers = peers;
        this.registry = registry;
        this.journal = journal;
        this.proposals = proposals;
        this.finalizations = finalizations;
        this.work = work;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Gives a worker one trial of an experiment whose task it can run: a winner waiting for its
     * finalization first, then a trial waiting for a new worker, else a new one from the
     * strategy. Waits up to the request's wait time.
     */
    public Optional<Lease> lease(LeaseRequest request) {
        return lease(request, null);
    }

    /**
     * {@link #lease(LeaseRequest)} under a request's key (null for none): the lease is stored with
     * the trial it hands out, in the same commit, so a worker that sends the request again under
     * the same id (its reply was lost to a dropped connection or a restart) gets that same lease,
     * whether or not other work is due by then, instead of a second trial while the first waits
     * for its lease to expire. A request whose first attempt found no work stored nothing and
     * looks again. The same id from another token or with another body is refused.
     */
    public Optional<Lease> lease(LeaseRequest request, RequestKey requestId) {
        Requests.check(requestId);
        // An attempt sent while an earlier one under the same id still runs (its worker's
        // connection dropped mid-poll) waits for it, then finds the lease it stored: side by side,
        // it could find the work taken before that lease was stored and answer none.
        return leasing.under(requestId, () -> leaseOnce(request, requestId));
    }

    private Optional<Lease> leaseOnce(LeaseRequest request, RequestKey requestId) {
        // Looked up first: a retry must not lease again when the first attempt's lease was stored.
        Optional<Lease> earlier = answeredAgain(requestId);
        if (earlier.isPresent()) {
            return earlier;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(request.waitSeconds() == null ? 0 : request.waitSeconds());
        while (true) {
            for (LiveExperiment e : registry.all()) {
                Optional<Lease> lease;
                try {
                    lease = tryLease(e, request, requestId);
                } catch (RuntimeException ex) {
                    // Two attempts under one id at once: the second's write failed on the id the first stored.
                    Optional<Lease> stored = answeredAgain(requestId);
                    if (stored.isPresent()) {
                        return stored;
                    }
                    throw ex;
                }
                if (lease.isPresent()) {
                    return lease;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !work.await(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)))) {
                // An earlier attempt under this id, still in flight when this one looked, may have leased since.
                return answeredAgain(requestId);
            }
        }
    }

    /**
     * Holds the lease of a worker that went away while it waited for no longer than {@link
     * #retryGrace()} from now: it was asked for under a request id, so it is kept for the worker's
     * retry, which comes within seconds if it comes at all (the SDK and {@code tunelab worker} send
     * it again at once, to the next URL too). A worker that never comes back (killed while it
     * long-polled) then keeps its trial from the next worker that long, not the whole lease.
     *
     * <p>Only a lease nobody renewed since its first answer is shortened: its expiry is still the
     * one {@code lease} promised. A retry answered from storage renews it ({@link #renewAnswered}),
     * on whichever coordinator it reached and in whichever order the two steps run, and so does a
     * heartbeat: either way the worker has its lease, and it is left whole. Answers the time it is
     * now held until, or null when it was left alone (renewed, or no longer held).
     */
    public Instant keepForRetry(Lease lease, RequestKey requestId) {
        Objects.requireNonNull(requestId, "a lease kept for a retry was asked for under a request id");
        Instant promised = Objects.requireNonNull(lease.expiresAt(), "a lease just answered says when it expires");
        Instant until = clock.instant().plus(retryGrace());
        Instant held = moveExpiry(lease, until, expires -> until.isBefore(expires) && !expires.isAfter(promised));
        return held == null || held.isAfter(promised) ? null : held;
    }

    /**
     * How long a lease is kept for the retry of a worker that went away ({@link #keepForRetry}):
     * a tenth of the lease, at least {@value #MIN_RETRY_GRACE_SECONDS} s and at most the lease.
     */
    Duration retryGrace() {
        Duration tenth = config.leaseDuration().dividedBy(10);
        Duration least = Duration.ofSeconds(MIN_RETRY_GRACE_SECONDS);
        Duration grace = tenth.compareTo(least) < 0 ? least : tenth;
        return grace.compareTo(config.leaseDuration()) > 0 ? config.leaseDuration() : grace;
    }

    /** The lease stored under {@code requestId}, answered again: renewed first ({@link #renewAnswered}). */
    private Optional<Lease> answeredAgain(RequestKey requestId) {
        Optional<Lease> stored = requests.answered(requestId, LEASE_KIND, Lease.class);
        stored.ifPresent(this::renewAnswered);
        return stored;
    }

    /**
     * Renews a lease answered again under its request id, as a heartbeat would: the worker that
     * sent the retry has it. Held until a lease duration from now, and at least a microsecond past
     * what its first answer promised, so {@link #keepForRetry} sees it renewed even when this
     * coordinator's clock is behind the one that answered first. A lease {@link #keepForRetry}
     * shortened gets its time back; one no longer held is left alone. Writes nothing when the
     * lease already lasts that long.
     */
    private void renewAnswered(Lease lease) {
        if (lease.leaseId() == null) {
            return;
        }
        Instant renewed = clock.instant().plus(config.leaseDuration());
        Instant promised = lease.expiresAt();
        Instant until = promised == null || renewed.isAfter(promised) ? renewed : promised.plus(1, ChronoUnit.MICROS);
        try {
            moveExpiry(lease, until, until::isAfter);
        } catch (TunelabException gone) {
            // its experiment was deleted: the retry's heartbeat says so
        }
    }

    /**
     * Moves the expiry of {@code lease} (on its trial, or on its experiment's finalization) to
     * {@code until} when {@code moves} accepts the expiry it holds now; a lease no longer held is
     * left alone. Answers the expiry it holds after, or null when it was not held.
     */
    private Instant moveExpiry(Lease lease, Instant until, Predicate<Instant> moves) {
        long trialId = lease.trial().id();
        String leaseId = lease.leaseId();
        LiveExperiment e = registry.owner(trialId);
        if (finalizations.leases(e, trialId, leaseId)) {
            return finalizations.holdUntil(e, leaseId, until, moves);
        }
        return journal.record(e, x -> {
            StoredTrial t = x.trial(trialId);
            if (t == null || !leaseId.equals(t.leaseId()) || t.leaseExpires() == null || t.trial().state() != TrialState.RUNNING) {
                return Journal.Entry.nothing(null);
            }
            if (!moves.test(t.leaseExpires())) {
                return Journal.Entry.nothing(t.leaseExpires());
            }
            return Journal.Entry.none().replace(t, t.withLease(leaseId, until, t.attempts())).answering(until);
        });
    }

    private Optional<Lease> tryLease(LiveExperiment e, LeaseRequest request, RequestKey requestId) {
        Map<String, Object> finalTask = e.spec().task();
        if (finalTask != null) {
            Optional<Lease> finalization = finalizations.tryLease(e, request, TaskRunners.of(e.spec()), requestId);
            if (finalization.isPresent()) {
                return finalization;
            }
        }
        synchronized (e) {
            Map<String, Object> task = e.spec().task();
            if (task == null || !e.isRunning() || !request.runners().containsAll(TaskRunners.of(e.spec()))) {
                return Optional.empty();
            }
        }
        String leaseId = LeaseIds.next();
        BiConsumer<Journal.Entry, StoredTrial> answer = (entry, t) -> Requests.remember(entry, requestId, LEASE_KIND,
                leaseOf(e, t, leaseId), clock.instant());
        StoredTrial leased = proposals.takeWaiting(e, request.worker(), leaseId, answer);
        if (leased == null) {
            leased = proposals.newTrial(e, request.worker(), leaseId, false, answer);
            if (leased == null) {
                return Optional.empty();
            }
        }
        return Optional.of(leaseOf(e, leased, leaseId));
    }

    private Lease leaseOf(LiveExperiment e, StoredTrial leased, String leaseId) {
        ExperimentSpec spec = e.spec();
        Trial t = leased.trial();
        return new Lease(leaseId, leased.leaseExpires(), (int) config.leaseDuration().toSeconds(),
                new TrialProposal(t.id(), t.number(), t.params(), null, Races.nextRepetition(spec, t)), e.id(), e.name(), spec.objectives(),
                spec.repetitions(), e.row().seed(), spec.task(), null, spec.space());
    }

    /** Renews a lease. */
    public Heartbeat heartbeat(long trialId, String leaseId) {
        requireLeaseId(leaseId, "heartbeat");
        LiveExperiment e = registry.owner(trialId);
        if (finalizations.leases(e, trialId, leaseId)) {
            return finalizations.heartbeat(e, leaseId);
        }
        StoredTrial renewed = journal.record(e, x -> {
            StoredTrial current = x.openTrial(trialId, leaseId);
            StoredTrial next = current.withLease(leaseId, clock.instant().plus(config.leaseDuration()), current.attempts());
            return Journal.Entry.none().replace(current, next).answering(next);
        });
        return new Heartbeat(leaseId, renewed.leaseExpires());
    }

    /**
     * Gives a leased trial back: it waits for the next worker, and the release does not count
     * as an expired lease. A worker releases what it will not finish (on shutdown); the server
     * releases a lease whose long-poll reply found the worker gone (unless it was asked for under a
     * request id: that worker sends the request again and gets the lease).
     */
    public Trial release(long trialId, String leaseId) {
        requireLeaseId(leaseId, "release");
        LiveExperiment e = registry.owner(trialId);
        if (finalizations.leases(e, trialId, leaseId)) {
            finalizations.release(e, leaseId);
            return e.trial(trialId).trial();
        }
        Trial waiting = journal.record(e, x -> {
            StoredTrial current = x.openTrial(trialId, leaseId);
            Trial next = Transitions.waiting(current.trial());
            return Journal.Entry.none().replace(current, new StoredTrial(next, null, null, current.attempts())).answering(next);
        });
        LOG.info("trial {} released by its lease holder; it waits for the next worker", trialId);
        work.signal();
        return waiting;
    }

    /** Returns expired leases' trials to WAITING, or fails them after too many expiries; answers how many. */
    public int reapExpiredLeases() {
        int reaped = 0;
        Instant now = clock.instant();
        for (LiveExperiment e : registry.all()) {
            if (journal.shared() && noneExpired(e, now)) {
                // Spares a transaction per experiment and run: memory may miss a renewal made on
                // another coordinator (the step then catches up and reaps nothing), not an expiry:
                // the scheduled run caught up on every changed experiment first.
                continue;
            }
            int changed = journal.record(e, x -> {
                var entry = Journal.Entry.none();
                int n = 0;
                for (StoredTrial t : x.storedTrials()) {
                    if (t.leaseId() == null || t.leaseExpires() == null || t.leaseExpires().isAfter(now)
                            || t.trial().state() != TrialState.RUNNING) {
                        continue;
                    }
                    Trial running = t.trial();
                    int attempts = t.attempts() + 1;
                    Trial next = attempts >= config.maxLeaseAttempts()
                            ? Transitions.abandoned(running, now, "the lease expired " + attempts + " times (last worker: "
                                    + running.worker() + "); the trial's workers stopped heartbeating")
                            : Transitions.waiting(running);
                    entry.replace(t, new StoredTrial(next, null, null, attempts));
                    LOG.warn("lease of trial {} (worker {}) expired; trial is now {}", running.id(), LogText.of(running.worker()), next.state());
                    n++;
                }
                return entry.answering(n);
            });
            if (changed > 0) {
                proposals.afterStep(e);
            }
            reaped += changed;
            expirations.increment(changed);
        }
        reaped += finalizations.reap(now);
        if (reaped > 0) {
            work.signal();
        }
        return reaped;
    }

    /** Whether no trial of the experiment holds an expired lease, as memory shows. */
    private static boolean noneExpired(LiveExperiment e, Instant now) {
        for (StoredTrial t : e.storedTrials()) {
            if (t.leaseExpires() != null && !t.leaseExpires().isAfter(now) && t.trial().state() == TrialState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reaps, logging a failure instead of throwing it: the server's scheduled reaper calls this.
     * With other coordinators on the database, it first catches up with what they changed (should
     * a notice have been missed), and only the leader among them reaps. Every coordinator evicts
     * its idle experiments from memory here too.
     */
    public void reapQuietly() {
        peers.refreshQuietly();
        try {
            registry.evictIdle();
        } catch (RuntimeException ex) {
            LOG.error("evicting idle experiments failed: {}", ex.getMessage(), ex);
        }
        if (!peers.leads()) {
            return;
        }
        try {
            reapExpiredLeases();
        } catch (RuntimeException ex) {
            LOG.error("lease reaper failed: {}", ex.getMessage(), ex);
        }
    }

    private static void requireLeaseId(String leaseId, String what) {
        if (leaseId == null || leaseId.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a " + what + " needs the leaseId the lease came with");
        }
    }
}
