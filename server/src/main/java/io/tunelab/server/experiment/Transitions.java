package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Repetition;
import io.tunelab.api.Report;
import io.tunelab.api.Statistics;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.StoredTrial;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change a trial goes through, as pure functions from one {@link Trial} to the next:
 * the only place that calls the record's constructor. No I/O, no clock: times come in.
 */
final class Transitions {
    /** The provenance key of the SHA-256 (hex) of the model stored for a trial. */
    static final String MODEL_SHA256 = "model_sha256";
    /** The provenance key of a raced-out trial's race: its p-value, shared repetitions, difference and incumbent. */
    static final String RACE = "race";
    /**
     * The provenance keys only the server records: a model's digest, a race, where an imported
     * trial came from (which also keeps it outside {@code budget.trials}), an enqueued trial's mark.
     * A told result may not set them ({@link Results} refuses one that tries).
     */
    static final List<String> SERVER_RECORDED = List.of(MODEL_SHA256, RACE, TrialImports.IMPORTED, TrialQueue.ENQUEUED);

    private Transitions() {
    }

    /**
     * The stored trial, if it is still open to the holder of {@code leaseId}: not finished, and
     * leased to that lease (or to none when {@code leaseId} is null); else LEASE_LOST or TRIAL_FINISHED.
     */
    static StoredTrial requireOpen(StoredTrial current, String leaseId) {
        // Before anything else: a text that cannot be a lease id never named one (400, as on the upload routes).
        requireLeaseIdForm(leaseId);
        Trial t = current.trial();
        requireNotFinished(t);
        if (current.leaseId() != null && !current.leaseId().equals(leaseId)) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + t.id() + " is leased to "
                    + (t.worker() == null ? "another caller" : t.worker())
                    + (leaseId == null ? "; only the lease holder may report or tell it"
                    : "; lease " + leaseId + " is not its lease (it expired or was released, or was another trial's)"),
                    Map.of("trial", t.id()));
        }
        if (current.leaseId() == null && leaseId != null) {
            throw TunelabException.of(ErrorCode.LEASE_LOST, "trial " + t.id() + " is " + t.state()
                    + " without a lease: lease " + leaseId + " is not its lease (it expired or was released, or was another "
                    + "trial's)", Map.of("trial", t.id()));
        }
        return current;
    }

    /**
     * Refuses a lease id that cannot be one the server handed out (those are random UUIDs), so an
     * upload that names one is refused before its body is read; null passes (no lease named).
     */
    static void requireLeaseIdForm(String leaseId) {
        if (leaseId != null && !LeaseIds.hasForm(leaseId)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "leaseId \"" + LogText.of(leaseId) + "\" is not a lease id; give the "
                    + "leaseId the lease (or the ask with a lease) answered, a UUID such as " + LeaseIds.EXAMPLE);
        }
    }

    /** Refuses a change to a finished trial (TRIAL_FINISHED): finished trials never change. */
    static void requireNotFinished(Trial t) {
        if (t.state().isFinished()) {
            throw TunelabException.of(ErrorCode.TRIAL_FINISHED, "trial " + t.id() + " is " + t.state()
                    + " already; finished trials never change", Map.of("trial", t.id(), "state", t.state().name()));
        }
    }

    /** The running trial with the digest of the model its lease holder stored. */
    static Trial withModel(Trial t, String sha256) {
        var provenance = new LinkedHashMap<String, Object>(t.provenance());
        provenance.put(MODEL_SHA256, sha256);
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(),
                t.statistics(), t.reports(), t.created(), t.started(), t.finished(), t.worker(), t.error(), provenance, t.toldBy());
    }

    /** A new trial, RUNNING from {@code now}, held by {@code worker} (null for an SDK caller). */
    static Trial started(long id, long experimentId, int number, Map<String, Object> params, Instant now, String worker) {
        return new Trial(id, experimentId, number, params, TrialState.RUNNING, null, null, null, null, now, now, null, worker,
                null, null, null);
    }

    /**
     * A configuration a user enqueued: WAITING from {@code now} for the next ask or lease, which
     * hands it out before the strategy proposes; its provenance marks it {@link TrialQueue#ENQUEUED}.
     */
    static Trial enqueued(long id, long experimentId, int number, Map<String, Object> params, Instant now) {
        return new Trial(id, experimentId, number, params, TrialState.WAITING, null, null, null, null, now, null, null, null,
                null, Map.of(TrialQueue.ENQUEUED, true), null);
    }

    /**
     * A trial evaluated elsewhere (another experiment, or a CSV of results), finished as it was
     * there; its provenance says where it came from ({@link TrialImports#IMPORTED}).
     */
    static Trial imported(long id, long experimentId, int number, TrialImports.Imported t, Instant now, String by) {
        return new Trial(id, experimentId, number, t.params(), t.state(), t.values(), t.repetitions(), t.statistics(), null, now,
                t.started() == null ? now : t.started(), t.finished() == null ? now : t.finished(), null, t.error(),
                Map.of(TrialImports.IMPORTED, t.source()), by);
    }

    /**
     * A waiting trial handed to its next owner: RUNNING again from {@code now}, nothing of earlier
     * attempts but the repetitions a raced trial already told (with their values, statistics and provenance).
     */
    static Trial restarted(Trial t, Instant now, String worker) {
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), TrialState.RUNNING, t.values(), t.repetitions(),
                t.statistics(), List.of(), t.created(), now, null, worker, null, t.provenance(), null);
    }

    /**
     * The trial as it waits for its next worker: its params and number, its provenance (an
     * {@link TrialQueue#ENQUEUED} trial stays enqueued, so it is queued again), and the repetitions
     * a raced trial already told (a trial that is not raced has none until it finishes); nothing
     * else of the last attempt (its start, worker and reports).
     */
    static Trial waiting(Trial t) {
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), TrialState.WAITING, t.values(), t.repetitions(),
                t.statistics(), List.of(), t.created(), null, null, null, null, t.provenance(), null);
    }

    /**
     * A raced trial after one more repetition, waiting for its next: {@code scored} is the trial as
     * if it finished with all its repetitions so far (their means, statistics and provenance).
     */
    static Trial awaitingRepetition(Trial scored) {
        return new Trial(scored.id(), scored.experimentId(), scored.number(), scored.params(), TrialState.WAITING,
                scored.values(), scored.repetitions(), scored.statistics(), scored.reports(), scored.created(), null, null, null,
                null, scored.provenance(), null);
    }

    /** A raced trial ended by the server as significantly worse than the incumbent; {@code race} says by how much. */
    static Trial racedOut(Trial scored, Map<String, Object> race) {
        var provenance = new LinkedHashMap<String, Object>(scored.provenance());
        provenance.put(RACE, race);
        return new Trial(scored.id(), scored.experimentId(), scored.number(), scored.params(), TrialState.RACED_OUT,
                scored.values(), scored.repetitions(), scored.statistics(), scored.reports(), scored.created(), scored.started(),
                scored.finished(), scored.worker(), null, provenance, scored.toldBy());
    }

    /** The trial FAILED at {@code now} because its workers went away, with the reason. */
    static Trial abandoned(Trial t, Instant now, String error) {
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), TrialState.FAILED, null, null, null, t.reports(),
                t.created(), t.started(), now, t.worker(), error, t.provenance(), null);
    }

    /**
     * The trial finished with a told result; the result's provenance adds to the trial's. It holds
     * none of the keys the server records itself ({@link #SERVER_RECORDED}): {@link Results}, the
     * one caller, refuses a result that sets one.
     */
    static Trial finished(Trial t, TrialState state, Map<String, Double> values, List<Repetition> repetitions,
                          Map<String, Statistics> statistics, String error, Map<String, Object> provenance, Instant now,
                          String toldBy) {
        var merged = new LinkedHashMap<String, Object>(t.provenance());
        merged.putAll(provenance);
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), state, values, repetitions, statistics, t.reports(),
                t.created(), t.started() == null ? now : t.started(), now, t.worker(), error, merged, toldBy);
    }

    /** The trial with one more report, which replaces an earlier one of the same step; reports stay in step order. */
    static Trial reported(Trial t, Report report) {
        var reports = new ArrayList<Report>(t.reports());
        reports.removeIf(r -> r.step() == report.step());
        reports.add(report);
        reports.sort(Comparator.comparingInt(Report::step));
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(),
                t.statistics(), reports, t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance(), t.toldBy());
    }

    /** The trial with one more param value (define-by-run), after its other params. */
    static Trial withParam(Trial t, String name, Object value) {
        var params = new LinkedHashMap<>(t.params());
        params.put(name, value);
        return new Trial(t.id(), t.experimentId(), t.number(), params, t.state(), t.values(), t.repetitions(), t.statistics(),
                t.reports(), t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance(), t.toldBy());
    }

    /** The trial as lists and events show it: without its reports, which can be many. */
    static Trial withoutReports(Trial t) {
        if (t.reports().isEmpty()) {
            return t;
        }
        return new Trial(t.id(), t.experimentId(), t.number(), t.params(), t.state(), t.values(), t.repetitions(), t.statistics(),
                null, t.created(), t.started(), t.finished(), t.worker(), t.error(), t.provenance(), t.toldBy());
    }
}
