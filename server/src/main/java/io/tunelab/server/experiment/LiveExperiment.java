package io.tunelab.server.experiment;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.Ranking;
import io.tunelab.server.pruner.Pruner;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredTrial;
import io.tunelab.server.strategy.SearchStrategy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory state of one experiment, rebuilt from storage at start: its row, its trials in
 * number order, counts by state and the best trial, plus the strategy and pruner built from its
 * spec. Every field is guarded by the object's monitor; callers never hold it while waiting for
 * storage.
 */
final class LiveExperiment {
    StoredExperiment row;
    SearchStrategy strategy;
    Pruner pruner;
    final List<StoredTrial> trials = new ArrayList<>();
    private final Map<Long, Integer> indexById = new HashMap<>();
    private final EnumMap<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
    /** Trial numbers handed out whose trials are not stored yet. */
    int inFlight;
    private Trial best;
    /** When a trial of the experiment last changed: the summary's "updated" moves with trial activity. */
    private Instant lastActivity;
    /** Sorted and filtered trial lists by query, kept current as trials change; the most recent few. */
    private final Map<String, TrialViews.View> views = new java.util.LinkedHashMap<>(16, 0.75f, true);

    LiveExperiment(StoredExperiment row, SearchStrategy strategy, Pruner pruner) {
        this.row = row;
        this.strategy = strategy;
        this.pruner = pruner;
    }

    ExperimentSpec spec() {
        return row.spec();
    }

    Objective primary() {
        return row.spec().primary();
    }

    int nextNumber() {
        return trials.size() + inFlight;
    }

    /** Adds a stored trial at its place in number order. */
    void add(StoredTrial t) {
        int i = trials.size();
        while (i > 0 && trials.get(i - 1).trial().number() > t.trial().number()) {
            i--;
        }
        trials.add(i, t);
        // Concurrent asks store their trials slightly out of order; only the few trials after
        // the insertion point move.
        for (int k = i; k < trials.size(); k++) {
            indexById.put(trials.get(k).id(), k);
        }
        counts.merge(t.trial().state(), 1, Integer::sum);
        considerBest(t.trial());
        touch(t.trial());
        views.values().forEach(v -> v.update(null, t.trial()));
    }

    StoredTrial get(long trialId) {
        Integer i = indexById.get(trialId);
        return i == null ? null : trials.get(i);
    }

    /** Replaces a trial's row, keeping counts and the best trial current. */
    void replace(StoredTrial t) {
        int i = indexById.get(t.id());
        Trial before = trials.get(i).trial();
        TrialState old = before.state();
        trials.set(i, t);
        if (before != t.trial()) {
            views.values().forEach(v -> v.update(before, t.trial()));
        }
        counts.merge(old, -1, Integer::sum);
        counts.merge(t.trial().state(), 1, Integer::sum);
        considerBest(t.trial());
        touch(t.trial());
    }

    private void touch(Trial t) {
        for (Instant i : new Instant[]{t.created(), t.started(), t.finished()}) {
            if (i != null && (lastActivity == null || i.isAfter(lastActivity))) {
                lastActivity = i;
            }
        }
    }

    private void considerBest(Trial t) {
        Objective o = primary();
        if (Ranking.ranked(t, o) && (best == null || Ranking.byObjective(o).compare(t, best) < 0)) {
            best = t;
        }
    }

    int count(TrialState state) {
        return counts.getOrDefault(state, 0);
    }

    /** Trials that are not finished: running or waiting for a worker. */
    int active() {
        return count(TrialState.RUNNING) + count(TrialState.WAITING);
    }

    /** The view of a query, built on first use and kept current after. */
    TrialViews.View view(TrialQuery query) {
        String key = query.sort() + "|" + query.descending() + "|" + query.state();
        TrialViews.View v = views.get(key);
        if (v == null) {
            if (views.size() >= 8) {
                views.remove(views.keySet().iterator().next());
            }
            v = new TrialViews.View(history(), query, primary());
            views.put(key, v);
        }
        return v;
    }

    List<Trial> history() {
        var out = new ArrayList<Trial>(trials.size());
        for (StoredTrial t : trials) {
            out.add(t.trial());
        }
        return out;
    }

    ExperimentSummary summary() {
        var byState = new EnumMap<TrialState, Integer>(TrialState.class);
        counts.forEach((k, v) -> {
            if (v > 0) {
                byState.put(k, v);
            }
        });
        ExperimentSpec spec = row.spec();
        return new ExperimentSummary(row.id(), row.name(), row.state(), byState, best == null ? null : best.values(),
                best == null ? null : best.id(), spec.objectives(), spec.strategy().name(), spec.budget(), row.created(),
                lastActivity != null && lastActivity.isAfter(row.updated()) ? lastActivity : row.updated(), row.stopReason());
    }

    Experiment experiment() {
        return new Experiment(row.id(), row.name(), row.state(), row.spec(), row.seed(), summary());
    }

    boolean isRunning() {
        return row.state() == ExperimentState.RUNNING;
    }

    /** Why the budget allows no new trial at {@code now}, or null when it allows one. */
    String budgetSpent(Instant now) {
        var budget = row.spec().budget();
        if (budget.trials() != null && nextNumber() >= budget.trials()) {
            return "the budget of " + budget.trials() + " trials is spent";
        }
        if (budget.minutes() != null && row.runningMillis(now) >= budget.minutes() * 60_000) {
            return "the budget of " + budget.minutes() + " minutes is spent";
        }
        return null;
    }
}
