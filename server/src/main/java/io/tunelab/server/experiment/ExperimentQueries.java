package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Json;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.Pareto;
import io.tunelab.server.storage.Storage;

import java.util.List;
import java.util.Map;

/**
 * What the API reads about experiments and trials: summaries, one experiment, one trial,
 * pages of trials, the leaderboard, the Pareto front, the optimization history, the
 * intermediate-value curves, the export of every trial, and the stored models and data
 * reports. Changes nothing.
 * Thread-safe; the model and data-report reads go to storage and may block.
 */
public final class ExperimentQueries {
    private final ExperimentRegistry registry;
    private final Storage storage;

    ExperimentQueries(ExperimentRegistry registry, Storage storage) {
        this.registry = registry;
        this.storage = storage;
    }

    public List<ExperimentSummary> summaries() {
        return registry.all().stream().map(LiveExperiment::summary).toList();
    }

    public Experiment experiment(String ref) {
        return registry.find(ref).experiment();
    }

    public Trial trial(long trialId) {
        return registry.owner(trialId).trial(trialId).trial();
    }

    public TrialPage trials(String ref, TrialQuery query) {
        return registry.find(ref).page(query);
    }

    /** The best {@code limit} complete trials by the primary objective. */
    public List<Trial> leaderboard(String ref, int limit) {
        if (limit < 1 || limit > TrialQuery.MAX_LIMIT) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to " + TrialQuery.MAX_LIMIT + ", got " + limit);
        }
        Snapshot s = snapshotOf(ref);
        return TrialViews.leaderboard(s.trials(), s.spec().primary(), limit).stream().map(Transitions::withoutReports).toList();
    }

    /** The non-dominated complete trials by every objective. */
    public List<Trial> pareto(String ref) {
        Snapshot s = snapshotOf(ref);
        return Pareto.front(s.trials(), s.spec().objectives()).stream().map(Transitions::withoutReports).toList();
    }

    /** Optimization history of the primary objective in columns: trial numbers, values, best so far. */
    public OptimizationHistory history(String ref) {
        Snapshot s = snapshotOf(ref);
        return TrialViews.history(s.trials(), s.spec().primary());
    }

    /** Intermediate-value curves of the primary metric of the latest trials that reported. */
    public List<Curve> curves(String ref, int limit) {
        if (limit < 1 || limit > 1000) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to 1000, got " + limit);
        }
        Snapshot s = snapshotOf(ref);
        return TrialViews.curves(s.trials(), s.spec().primary(), limit);
    }

    /** The experiment's trials as a table to write out as CSV or JSON, taken now. */
    public TrialExport export(String ref) {
        Snapshot s = snapshotOf(ref);
        return TrialExport.of(s.spec(), s.trials());
    }

    public byte[] model(long trialId) {
        registry.owner(trialId);
        return storage.model(trialId).orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "trial " + trialId + " has no stored model; only trials run by a worker with a task have one"));
    }

    public Map<String, Object> dataReport(String ref) {
        LiveExperiment e = registry.find(ref);
        String json = storage.dataReport(e.id()).orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "experiment \"" + e.name() + "\" has no data report yet; a worker computes it when it first runs the task"));
        @SuppressWarnings("unchecked")
        Map<String, Object> report = Json.read(json, Map.class);
        return report;
    }

    /** An experiment's trials and spec, taken together. */
    private record Snapshot(List<Trial> trials, ExperimentSpec spec) {
    }

    private Snapshot snapshotOf(String ref) {
        LiveExperiment e = registry.find(ref);
        synchronized (e) {
            return new Snapshot(e.history(), e.spec());
        }
    }
}
