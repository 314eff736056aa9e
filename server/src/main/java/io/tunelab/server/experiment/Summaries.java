package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.Ranking;
import io.tunelab.server.storage.ExperimentIndex;
import io.tunelab.server.storage.StoredExperiment;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * How an experiment's summary is made: one rule for a loaded experiment ({@link LiveExperiment#summary()})
 * and for one the database tallied ({@link #of(StoredExperiment, ExperimentIndex.Tally, ExperimentLabels)}),
 * so the catalog shows the same summary whether the experiment is in memory or not. Stateless.
 */
final class Summaries {
    private Summaries() {
    }

    /** The summary of a row with these counts by state, best trial, latest trial activity, labels and imported trials. */
    static ExperimentSummary of(StoredExperiment row, Map<TrialState, Integer> counts, Trial best, Instant lastActivity,
                                ExperimentLabels labels, int imported) {
        var byState = new EnumMap<TrialState, Integer>(TrialState.class);
        counts.forEach((k, v) -> {
            if (v > 0) {
                byState.put(k, v);
            }
        });
        ExperimentSpec spec = row.spec();
        return new ExperimentSummary(row.id(), row.name(), row.state(), byState, best == null ? null : best.values(),
                best == null ? null : best.id(), spec.objectives(), spec.strategy().name(), spec.budget(), row.created(),
                lastActivity != null && lastActivity.isAfter(row.updated()) ? lastActivity : row.updated(), row.stopReason(), labels,
                imported);
    }

    /** The summary of a row whose trials the database tallied. */
    static ExperimentSummary of(StoredExperiment row, ExperimentIndex.Tally tally, ExperimentLabels labels) {
        Trial best = null;
        for (Trial t : tally.complete()) {
            best = better(row.spec(), best, t);
        }
        return of(row, tally.counts(), best, tally.lastActivity(), labels, tally.imported());
    }

    /**
     * The better of {@code best} (null for none yet) and {@code t} by the primary objective, a
     * feasible trial before any that breaks the constraints, as a live experiment keeps it.
     */
    static Trial better(ExperimentSpec spec, Trial best, Trial t) {
        return Ranking.ranked(t, spec.primary()) && (best == null || Ranking.byFeasibilityThenObjective(spec).compare(t, best) < 0)
                ? t : best;
    }
}
