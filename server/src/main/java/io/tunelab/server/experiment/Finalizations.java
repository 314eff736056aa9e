package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Finalization;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.MetricNames;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Repetition;
import io.tunelab.api.Statistics;
import io.tunelab.api.TestResult;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.RepetitionStatistics;
import io.tunelab.server.storage.StoredTrial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finalization: after the search, the winner's configuration is refit on every row outside the
 * task's held-out test split and scored once on that split. It is one durable document per
 * experiment ({@link FinalizationRow}), leased to a worker like a trial (same heartbeat and
 * release routes, keyed by the winner's trial id and the finalization's lease id), so the
 * search's trials, budget, strategy and leaderboard never see it. The winner is the best trial
 * of the significance-aware ranking; finished trials never change, the finalization sits beside
 * the winner, and so does the refit model its worker uploads (the winner's own model stays as the
 * search stored it). SDK users record a test score they computed themselves. Thread-safe; may block.
 */
public final class Finalizations {
    private static final Logger LOG = LoggerFactory.getLogger(Finalizations.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Rankings rankings;
    private final WorkSignal work;
    private final StorageClock clock;
    private final CoordinatorConfig config;

    Finalizations(ExperimentRegistry registry, Journal journal, Rankings rankings, WorkSignal work, StorageClock clock,
                  CoordinatorConfig config) {
        this.registry = registry;
        this.journal = journal;
        this.rankings = rankings;
        this.work = work;
        this.clock = clock;
        this.config = config;
    }

    /**
     * The experiment's finalization, or NOT_FOUND. A completed experiment whose automatic
     * finalization is not stored yet (the reader came between the completing tell and it, or the
     * server stopped between the two) has it recorded now, so the answer is never a passing 404.
     */
    public Finalization of(String ref) {
        LiveExperiment e = registry.current(ref);
        FinalizationRow row = e.finalization();
        if (row == null && finalizesAutomatically(e)) {
            return finalize(String.valueOf(e.id()));
        }
        if (row == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "experiment \"" + e.name() + "\" has no finalization; start one with "
                    + "POST /api/experiments/" + e.name() + "/finalize (tunelab finalize " + ShellWord.of(e.name()) + ")");
        }
        return row.finalization();
    }

    /**
     * Asks a worker to refit the current winner and score it on the test split; answers the
     * finalization, the one already under way or done for the same winner when there is one.
     */
    public Finalization finalize(String ref) {
        LiveExperiment e = registry.current(ref);
        ExperimentSpec spec = e.spec();
        if (spec.task() == null) {
            throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + e.name() + "\" has no task for a worker to "
                    + "refit; tell the winner's test score yourself with POST /api/trials/{id}/test");
        }
        if (testShare(spec) == null) {
            throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + e.name() + "\" has no test split to score the "
                    + "winner on; launch it with task.dataset.test: 0.2 (rows the search has seen cannot be test rows)");
        }
        var ranked = rankings.of(e).ranking().trials();
        if (ranked.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_STATE, "experiment \"" + e.name() + "\" has no complete trial to finalize yet");
        }
        RankedTrial best = ranked.getFirst();
        Finalization f = journal.record(e, x -> {
            FinalizationRow current = x.finalization();
            if (current != null && current.finalization().trialId() == best.trialId()
                    && current.finalization().state() != TrialState.FAILED) {
                return Journal.Entry.nothing(current.finalization());
            }
            Trial t = x.trial(best.trialId()).trial();
            var next = new Finalization(t.id(), t.number(), TrialState.WAITING, selection(t, spec), bestEpochs(t), null, null,
                    null, 0, clock.instant(), null, infeasibleNote(best));
            // A new finalization starts without a refit model: the one of the finalization it replaces goes with it.
            return Journal.Entry.none().write(c -> c.deleteFinalizationModel(x.id()))
                    .finalization(x.id(), new FinalizationRow(next, null, null)).answering(next);
        });
        LOG.info("experiment {}: finalization of trial #{} {}", e.name(), f.number(), f.state());
        work.signal();
        return f;
    }

    /** What a finalization says when the best trial breaks the constraints: no trial keeps them. */
    static String infeasibleNote(RankedTrial best) {
        return best.group() != RankGroup.INFEASIBLE ? null : "no trial keeps the experiment's constraints; trial #" + best.number()
                + " breaks them least (" + best.note().replaceFirst("^infeasible: ", "") + ")";
    }

    /**
     * Finalizes an experiment that just completed, once, when its task has a test split. The tell
     * that completed it is already stored and answered: a failure here is logged, not passed to
     * that tell, and the next read of the finalization records it.
     */
    void afterCompletion(LiveExperiment e) {
        if (!finalizesAutomatically(e)) {
            return;
        }
        try {
            finalize(String.valueOf(e.id()));
        } catch (RuntimeException ex) {
            LOG.warn("experiment {}: the automatic finalization was not recorded ({}); reading it records it",
                    e.name(), ex.toString());
        }
    }

    private boolean finalizesAutomatically(LiveExperiment e) {
        return e.row().state() == ExperimentState.COMPLETED && e.finalization() == null && e.spec().task() != null
                && testShare(e.spec()) != null && !rankings.of(e).ranking().trials().isEmpty();
    }

    /**
     * A waiting finalization of the experiment for a worker that runs its task, under a new lease,
     * stored as the answer to {@code requestId} (null for none) in the same commit.
     */
    Optional<Lease> tryLease(LiveExperiment e, LeaseRequest request, java.util.Set<String> runners, RequestKey requestId) {
        FinalizationRow waiting = e.finalization();
        if (waiting == null || waiting.finalization().state() != TrialState.WAITING || !request.runners().containsAll(runners)) {
            return Optional.empty();
        }
        String leaseId = LeaseIds.next();
        return Optional.ofNullable(journal.record(e, x -> {
            FinalizationRow row = x.finalization();
            if (row == null || row.finalization().state() != TrialState.WAITING) {
                return Journal.Entry.nothing(null);
            }
            var next = new FinalizationRow(row.finalization().with(TrialState.RUNNING, request.worker(), row.finalization().attempts()),
                    leaseId, clock.instant().plus(config.leaseDuration()));
            ExperimentSpec spec = x.spec();
            Trial t = x.trial(next.finalization().trialId()).trial();
            var lease = new Lease(leaseId, next.leaseExpires(), (int) config.leaseDuration().toSeconds(),
                    new TrialProposal(t.id(), t.number(), t.params(), null), x.id(), x.name(), spec.objectives(), spec.repetitions(),
                    x.row().seed(), spec.task(), next.finalization(), spec.space());
            var entry = Journal.Entry.none().finalization(x.id(), next);
            Requests.remember(entry, requestId, LeaseService.LEASE_KIND, lease, clock.instant());
            return entry.answering(lease);
        }));
    }

    /**
     * Whether a trial id and lease id name the experiment's running finalization. On a database
     * other coordinators share, a lease this coordinator does not know (neither the finalization's
     * nor the trial's in its memory) may be one another coordinator gave since this one last caught
     * up: the experiment's lock in the database decides, after catching up.
     */
    boolean leases(LiveExperiment e, long trialId, String leaseId) {
        if (leaseId == null) {
            return false;
        }
        if (leasedBy(e, trialId, leaseId)) {
            return true;
        }
        StoredTrial trial = e.trial(trialId);
        if (!journal.shared() || trial != null && leaseId.equals(trial.leaseId())) {
            return false;
        }
        return journal.record(e, x -> Journal.Entry.nothing(leasedBy(x, trialId, leaseId)));
    }

    private static boolean leasedBy(LiveExperiment e, long trialId, String leaseId) {
        FinalizationRow row = e.finalization();
        return row != null && leaseId.equals(row.leaseId()) && row.finalization().trialId() == trialId;
    }

    Heartbeat heartbeat(LiveExperiment e, String leaseId) {
        FinalizationRow renewed = journal.record(e, x -> {
            FinalizationRow row = running(x, leaseId);
            var next = new FinalizationRow(row.finalization(), leaseId, clock.instant().plus(config.leaseDuration()));
            return Journal.Entry.none().finalization(x.id(), next).answering(next);
        });
        return new Heartbeat(leaseId, renewed.leaseExpires());
    }

    /**
     * Moves the running finalization's lease expiry to {@code until} when {@code moves} accepts
     * the expiry it holds now; a lease no longer held is left alone. Answers the expiry it holds
     * after, or null when it was not held. See {@link LeaseService#keepForRetry}.
     */
    Instant holdUntil(LiveExperiment e, String leaseId, Instant until, Predicate<Instant> moves) {
        return journal.record(e, x -> {
            FinalizationRow row = x.finalization();
            if (row == null || !leaseId.equals(row.leaseId()) || row.leaseExpires() == null
                    || row.finalization().state() != TrialState.RUNNING) {
                return Journal.Entry.nothing(null);
            }
            if (!moves.test(row.leaseExpires())) {
                return Journal.Entry.nothing(row.leaseExpires());
            }
            return Journal.Entry.none().finalization(x.id(), new FinalizationRow(row.finalization(), leaseId, until)).answering(until);
        });
    }

    /** Gives a running finalization back to the next worker; not counted as an expired lease. */
    void release(LiveExperiment e, String leaseId) {
        journal.record(e, x -> {
            FinalizationRow row = running(x, leaseId);
            var next = new FinalizationRow(row.finalization().with(TrialState.WAITING, null, row.finalization().attempts()), null, null);
            return Journal.Entry.none().finalization(x.id(), next).answering(null);
        });
        work.signal();
    }

    /**
     * Records a test score: a worker's (with its lease id) ends its finalization, COMPLETE with
     * values or FAILED with an error; an SDK user's (values, no lease) finalizes a complete
     * trial with a score computed outside Tunelab.
     */
    public Finalization recordTest(long trialId, TestResult result) {
        boolean failed = result.error() != null && !result.error().isBlank();
        if (!failed && (result.values() == null || result.values().isEmpty())) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a test result needs values, as {\"values\": {\"accuracy\": 0.97}}"
                    + (result.leaseId() == null ? "" : ", or an error that says why the refit failed"));
        }
        if (result.values() != null) {
            MetricNames.check(result.values(), "values");
            result.values().forEach((metric, v) -> {
                if (v == null || !Double.isFinite(v)) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "values." + metric + " is " + v + "; values must be finite numbers",
                            Map.of("metric", metric));
                }
            });
        }
        LiveExperiment e = registry.owner(trialId);
        return journal.record(e, x -> {
            Instant now = clock.instant();
            FinalizationRow next;
            if (result.leaseId() != null) {
                FinalizationRow row = running(x, result.leaseId());
                next = new FinalizationRow(row.finalization().ended(failed ? null : result.values(), failed ? result.error() : null, now),
                        null, null);
            } else {
                if (failed) {
                    throw TunelabException.of(ErrorCode.INVALID_VALUE, "only the worker running a finalization may report it failed; "
                            + "send the test values instead");
                }
                Trial t = x.trial(trialId).trial();
                if (t.state() != TrialState.COMPLETE) {
                    throw TunelabException.of(ErrorCode.INVALID_STATE, "trial " + trialId + " is " + t.state()
                            + "; only a COMPLETE trial gets a test score", Map.of("trial", trialId));
                }
                FinalizationRow row = x.finalization();
                if (row != null && row.finalization().state() == TrialState.RUNNING) {
                    throw TunelabException.of(ErrorCode.INVALID_STATE, "a worker is refitting trial #" + row.finalization().number()
                            + " of this experiment; wait for its test score");
                }
                next = new FinalizationRow(new Finalization(t.id(), t.number(), TrialState.COMPLETE, selection(t, x.spec()), null,
                        result.values(), null, null, 0, now, now), null, null);
                return Journal.Entry.none().write(c -> c.deleteFinalizationModel(x.id()))
                        .finalization(x.id(), next).answering(next.finalization());
            }
            return Journal.Entry.none().finalization(x.id(), next).answering(next.finalization());
        });
    }

    /**
     * Stores the refit model the worker running the finalization uploaded (streamed into {@code
     * file}, of {@code bytes} bytes and SHA-256 {@code sha256}) with the finalization, replacing
     * an earlier upload of it; the winner trial, its model and its provenance stay as the search
     * stored them. LEASE_LOST when {@code leaseId} no longer runs the finalization.
     */
    void putModel(LiveExperiment e, String leaseId, java.nio.file.Path file, String sha256, long bytes) {
        journal.record(e, x -> {
            FinalizationRow row = running(x, leaseId);
            var next = new FinalizationRow(row.finalization().withModel(sha256, bytes), row.leaseId(), row.leaseExpires());
            return Journal.Entry.none().write(c -> c.putFinalizationModel(x.id(), file)).finalization(x.id(), next).answering(null);
        });
    }

    /** Puts finalizations whose lease expired back to WAITING, or fails them after too many expiries. */
    int reap(Instant now) {
        int reaped = 0;
        for (LiveExperiment e : registry.all()) {
            FinalizationRow seen = e.finalization();
            if (seen == null || seen.leaseExpires() == null || seen.leaseExpires().isAfter(now)) {
                continue;
            }
            reaped += journal.record(e, x -> {
                FinalizationRow row = x.finalization();
                if (row == null || row.leaseExpires() == null || row.leaseExpires().isAfter(now)) {
                    return Journal.Entry.nothing(0);
                }
                int attempts = row.finalization().attempts() + 1;
                Finalization f = attempts >= config.maxLeaseAttempts()
                        ? row.finalization().with(TrialState.RUNNING, row.finalization().worker(), attempts)
                        .ended(null, "the lease expired " + attempts + " times; the workers stopped heartbeating", now)
                        : row.finalization().with(TrialState.WAITING, null, attempts);
                LOG.warn("lease of the finalization of {} expired; it is now {}", x.name(), f.state());
                return Journal.Entry.none().finalization(x.id(), new FinalizationRow(f, null, null)).answering(1);
            });
        }
        return reaped;
    }

    private static FinalizationRow running(LiveExperiment x, String leaseId) {
        FinalizationRow row = x.finalization();
        if (row == null || !leaseId.equals(row.leaseId()) || row.finalization().state() != TrialState.RUNNING) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "lease " + leaseId + " of experiment \"" + x.name()
                    + "\"'s finalization expired or was never given; the finalization was handed on");
        }
        return row;
    }

    /** The task's {@code dataset.test} share, or null when it holds out no test rows. */
    static Double testShare(ExperimentSpec spec) {
        if (spec.task() == null || !(spec.task().get("dataset") instanceof Map<?, ?> dataset)) {
            return null;
        }
        return dataset.get("test") instanceof Number n ? n.doubleValue() : null;
    }

    /** The statistics that chose the trial: its primary metric over its repetitions, or its value. */
    private static Statistics selection(Trial t, ExperimentSpec spec) {
        String metric = spec.primary().metric();
        Statistics s = t.statistics().get(metric);
        Double v = t.value(metric);
        return s != null ? s : v == null ? null : RepetitionStatistics.of(v);
    }

    /** The mean best epoch over the trial's repetitions, when each of them recorded it; else null. */
    private static Integer bestEpochs(Trial t) {
        if (t.repetitions().isEmpty()) {
            return null;
        }
        double sum = 0;
        for (Repetition r : t.repetitions()) {
            Double best = r.values().get("best_epoch");
            if (best == null) {
                return null;
            }
            sum += best;
        }
        return Math.max(1, (int) Math.round(sum / t.repetitions().size()));
    }
}
