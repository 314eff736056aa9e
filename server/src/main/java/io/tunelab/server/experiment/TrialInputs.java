package io.tunelab.server.experiment;

import io.tunelab.api.Decision;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.Param;
import io.tunelab.api.Report;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.SpecChecks;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.server.pruner.PruneContext;
import io.tunelab.server.pruner.Pruner;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.ProposalContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a running trial sends besides its tell: intermediate reports (answered with the pruner's
 * decision), params its code defines as it runs, the dataset's data report and the trained
 * model. Each is one {@link Journal} step, as everything {@link ExperimentService} changes.
 * Thread-safe; every method may block.
 */
final class TrialInputs {
    private static final Logger LOG = LoggerFactory.getLogger(TrialInputs.class);

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Finalizations finalizations;
    private final StorageClock clock;
    private final CoordinatorConfig limits;

    TrialInputs(ExperimentRegistry registry, Journal journal, Finalizations finalizations, StorageClock clock,
                CoordinatorConfig limits) {
        this.registry = registry;
        this.journal = journal;
        this.finalizations = finalizations;
        this.clock = clock;
        this.limits = limits;
    }

    /** Records an intermediate report durably and answers with the pruner's decision. */
    Decision report(long trialId, ReportRequest request) {
        LiveExperiment e = registry.owner(trialId);
        Results.checkReport(request);
        var report = new Report(request.step(), request.values(), clock.instant());
        Trial updated = journal.record(e, x -> {
            StoredTrial current = x.openTrial(trialId, request.leaseId());
            List<Report> reports = current.trial().reports();
            if (reports.size() >= limits.maxReportsPerTrial() && reports.stream().noneMatch(r -> r.step() == report.step())) {
                throw TunelabException.of(ErrorCode.LIMIT_REACHED, "trial " + trialId + " has " + reports.size()
                        + " report steps, the most a trial may have (--max-reports-per-trial " + limits.maxReportsPerTrial()
                        + "); report fewer steps (every 10th epoch, say) or start the server with a higher --max-reports-per-trial");
            }
            Trial t = Transitions.reported(current.trial(), report);
            return Journal.Entry.none().report(current.with(t), report).answering(t);
        });
        Objective watched = watchedObjective(e.spec(), request.values());
        if (watched == null || e.pruner() == Pruner.NONE) {
            return Decision.CONTINUE; // no need to copy the history on every report
        }
        return e.pruner().decide(new PruneContext(watched.metric(), watched.direction(), updated, request.step(), e.history(),
                e.row().seed()));
    }

    private static Objective watchedObjective(ExperimentSpec spec, Map<String, Double> values) {
        for (Objective o : spec.objectives()) {
            if (values.containsKey(o.metric())) {
                return o;
            }
        }
        return null;
    }

    /** A value for a param that the trial's code defines while it runs; adds it to the space when new. */
    Object suggest(long trialId, String name, Param param) {
        if (name == null || name.isBlank() || param == null) {
            throw TunelabException.of(ErrorCode.INVALID_SPEC, "suggest needs a name and a param, as {\"name\": \"lr\", \"param\": {\"type\": \"float\", \"low\": 0.001, \"high\": 0.1}}");
        }
        SpecChecks.newParam(name, param);
        LiveExperiment e = registry.owner(trialId);
        return journal.record(e, x -> {
            StoredTrial current = x.trial(trialId);
            Trial t = current.trial();
            Transitions.requireNotFinished(t);
            StoredExperiment row = x.row();
            SearchSpace space = row.spec().space();
            Param known = space.get(name);
            if (known != null && !known.equals(param)) {
                throw TunelabException.of(ErrorCode.INVALID_SPEC, "param \"" + name + "\" is defined as " + Json.write(known)
                        + " in this experiment; suggest it with the same definition");
            }
            if (t.params().containsKey(name)) {
                return Journal.Entry.nothing(t.params().get(name));
            }
            if (known == null) {
                if (space.size() >= limits.maxParams()) {
                    throw paramLimit(limits, "param \"" + name + "\" would be its " + (space.size() + 1) + "th");
                }
                space = space.with(name, param);
                row = row.withSpec(row.spec().withSpace(space), clock.instant());
            }
            var context = new ProposalContext(space, row.spec().objectives(), row.seed(), t.number(), x.history(), x.proposed(),
                    row.spec().constraints());
            Object value = param.coerce(x.strategy().suggest(context, name, param));
            return Journal.Entry.none().experiment(row).replace(current, current.with(Transitions.withParam(t, name, value)))
                    .answering(value);
        });
    }

    /** The refusal of a param past {@code --max-params}, saying how to get more. */
    static TunelabException paramLimit(CoordinatorConfig limits, String what) {
        return TunelabException.of(ErrorCode.LIMIT_REACHED, what + ", more than an experiment may have (--max-params "
                + limits.maxParams() + "); define fewer params or start the server with a higher --max-params");
    }

    /**
     * Stores the dataset's data-quality report, sent by the worker that prepared the data for one
     * of the experiment's trials: {@code leaseId} must be the live lease of an unfinished trial of
     * this experiment ({@code LEASE_LOST} otherwise), so no other caller can stop it this way.
     * {@code usable: false} stops a running or paused experiment with its problems, on behalf of
     * the token {@code by}; a report on an experiment already stopped or completed is stored and
     * changes nothing else.
     */
    void putDataReport(String ref, String leaseId, String by, Map<String, Object> report) {
        if (leaseId == null || leaseId.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a data report is sent under the lease of one of the experiment's "
                    + "trials, as ?leaseId=… (the leaseId its lease answered)");
        }
        Transitions.requireLeaseIdForm(leaseId);
        Object usable = report.get("usable");
        if (!(usable instanceof Boolean)) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a data report needs \"usable\": true or false");
        }
        Object problems = report.get("problems");
        if (problems != null && !(problems instanceof List<?> l && l.stream().allMatch(String.class::isInstance))) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a data report's \"problems\" is a list of texts, as [\"no column \\\"label\\\"\"]");
        }
        LiveExperiment e = registry.find(ref);
        String json = Json.write(report);
        journal.record(e, x -> {
            if (x.leasedUnder(leaseId).isEmpty()) {
                throw TunelabException.of(ErrorCode.LEASE_LOST, "lease " + leaseId + " holds no unfinished trial of experiment "
                        + LogText.of(x.name()) + "; a data report is sent under the live lease of one of its trials",
                        Map.of("experiment", x.name()));
            }
            var entry = Journal.Entry.none().write(c -> c.putDataReport(x.id(), json)).announcingExperiment();
            ExperimentState state = x.row().state();
            if (!(Boolean) usable && (state == ExperimentState.RUNNING || state == ExperimentState.PAUSED)) {
                String reason = "unusable data: " + (problems instanceof List<?> l && !l.isEmpty()
                        ? String.join("; ", l.stream().map(String::valueOf).toList()) : "the worker's data report names no problem");
                LOG.warn("experiment {} stopped: {}", LogText.of(x.name()), LogText.of(reason));
                entry.experiment(x.row().withState(ExperimentState.STOPPED, clock.instant(), reason).by(by));
            }
            return entry.answering(null);
        });
    }

    /**
     * Stores the model a trial's worker uploaded (streamed into {@code file}) and its SHA-256 in
     * the trial's provenance; answers the digest (hex). Only the holder of the trial's live lease
     * may, before it tells the result: a finished trial refuses a new model ({@code
     * TRIAL_FINISHED}), a trial without that lease too ({@code LEASE_LOST}). The refit winner's
     * model comes on the same route under the finalization's lease, and is the finalization's
     * ({@link Finalizations#putModel}): the winner's own model and provenance do not change. The
     * file is read as it is written to storage (a retried write reads it again), never whole.
     */
    String putModel(long trialId, String leaseId, Path file) {
        requireModelLease(leaseId);
        FileDigest digest = FileDigest.of(file, "model");
        String sha256 = digest.sha256();
        if (digest.size() == 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "the model body is empty; send the model file's bytes");
        }
        LiveExperiment e = registry.owner(trialId);
        if (finalizations.leases(e, trialId, leaseId)) {
            finalizations.putModel(e, leaseId, file, sha256, digest.size());
            return sha256;
        }
        journal.record(e, x -> {
            StoredTrial current = x.openTrial(trialId, leaseId);
            return Journal.Entry.none().write(c -> c.putModel(trialId, file))
                    .replace(current, current.with(Transitions.withModel(current.trial(), sha256))).answering(null);
        });
        return sha256;
    }

    /**
     * The refusals {@link #putModel} would answer that need no body, checked before the body is
     * read so a refused upload is not received first: no lease, a lease id of the wrong form, no
     * such trial, a finished one, one under another lease. {@link #putModel} checks again under
     * the experiment's lock, as a lease may be lost while the body streams.
     */
    void checkModelUpload(long trialId, String leaseId) {
        requireModelLease(leaseId);
        LiveExperiment e = registry.currentOwner(trialId);
        if (!finalizations.leases(e, trialId, leaseId)) {
            e.openTrial(trialId, leaseId);
        }
    }

    private static void requireModelLease(String leaseId) {
        if (leaseId == null || leaseId.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a model upload needs the trial's lease, as ?leaseId=…; "
                    + "only the worker holding the trial's lease may store its model");
        }
        Transitions.requireLeaseIdForm(leaseId);
    }
}
