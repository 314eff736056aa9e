package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a list of experiments shows: state, trial counts by state, the best trial's values,
 * the strategy, the budget, and times. {@code stopReason} says why a STOPPED experiment
 * stopped when it was not a person. {@code labels} are its tags, notes and archived flag.
 * {@code imported} counts the trials taken in from elsewhere (a warm start, a CSV import): they
 * are among {@code trials} but outside {@code budget.trials}; null in a summary from a server
 * that did not count them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSummary(
        long id,
        String name,
        ExperimentState state,
        Map<TrialState, Integer> trials,
        Map<String, Double> best,
        Long bestTrial,
        List<Objective> objectives,
        String strategy,
        Budget budget,
        Instant created,
        Instant updated,
        String stopReason,
        ExperimentLabels labels,
        Integer imported) {

    public ExperimentSummary {
        labels = labels == null ? ExperimentLabels.none() : labels;
        trials = trials == null ? Map.of() : Map.copyOf(trials);
        best = best == null ? null : Map.copyOf(best);
        objectives = objectives == null ? List.of() : List.copyOf(objectives);
    }

    /** A summary without labels, its imported trials not counted. */
    public ExperimentSummary(long id, String name, ExperimentState state, Map<TrialState, Integer> trials, Map<String, Double> best,
                             Long bestTrial, List<Objective> objectives, String strategy, Budget budget, Instant created,
                             Instant updated, String stopReason) {
        this(id, name, state, trials, best, bestTrial, objectives, strategy, budget, created, updated, stopReason, null, null);
    }

    /** How many trials the experiment has in all. */
    public int totalTrials() {
        return trials.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many trials are finished (complete, pruned or failed). */
    public int finishedTrials() {
        return trials.entrySet().stream().filter(e -> e.getKey().isFinished()).mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * How many finished trials count toward {@code budget.trials}: the finished ones but the
     * imported (which are all finished).
     */
    public int budgetedFinishedTrials() {
        return finishedTrials() - importedTrials();
    }

    /** How many trials were imported; 0 when not counted. */
    public int importedTrials() {
        return imported == null ? 0 : imported;
    }

    public int count(TrialState state) {
        return trials.getOrDefault(state, 0);
    }
}
