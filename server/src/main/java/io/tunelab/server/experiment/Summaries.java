package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentLabels;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.Ranking;
import io.tunelab.server.storage.StoredExperiment;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How an experiment's summary is made: one rule for a loaded experiment ({@link LiveExperiment#summary()})
 * and for one read from the trials' outcomes alone ({@link #of(StoredExperiment, List, ExperimentLabels)}),
 * so the catalog shows the same summary whether the experiment is in memory or not. Stateless.
 */
final class Summaries {
    private Summaries() {
    }

    /** The summary of a row with these counts by state, best trial, latest trial activity and labels. */
    static ExperimentSummary of(StoredExperiment row, Map<TrialState, Integer> counts, Trial best, Instant lastActivity,
                                ExperimentLabels labels) {
        var byState = new EnumMap<TrialState, Integer>(TrialState.class);
        counts.forEach((k, v) -> {
            if (v > 0) {
                byState.put(k, v);
            }
        });
        ExperimentSpec spec = row.spec();
        return new ExperimentSummary(row.id(), row.name(), row.state(), byState, best == null ? null : best.values(),
                best == null ? null : best.id(), spec.objectives(), spec.strategy().name(), spec.budget(), row.created(),
                lastActivity != null && lastActivity.isAfter(row.updated()) ? lastActivity : row.updated(), row.stopReason(), labels);
    }

    /** The summary of a row whose trials had these outcomes (state, values and times are read; in any order). */
    static ExperimentSummary of(StoredExperiment row, List<Trial> outcomes, ExperimentLabels labels) {
        var counts = new EnumMap<TrialState, Integer>(TrialState.class);
        Objective primary = row.spec().primary();
        var byObjective = Ranking.byObjective(primary);
        Trial best = null;
        Instant last = null;
        for (Trial t : outcomes) {
            counts.merge(t.state(), 1, Integer::sum);
            if (Ranking.ranked(t, primary) && (best == null || byObjective.compare(t, best) < 0)) {
                best = t;
            }
            for (Instant i : new Instant[]{t.created(), t.started(), t.finished()}) {
                if (i != null && (last == null || i.isAfter(last))) {
                    last = i;
                }
            }
        }
        return of(row, counts, best, last, labels);
    }
}
