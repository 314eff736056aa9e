package io.tunelab.server.experiment;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Trial;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most recently used few {@link TrialViews.View}s of one experiment, by query: built on
 * first use, kept current as its trials come and change, the least recently used dropped beyond
 * a bound. Not thread-safe: its {@link LiveExperiment}'s monitor guards it.
 */
final class ViewCache {
    private static final int MAX_VIEWS = 8;

    private final Map<String, TrialViews.View> views = new LinkedHashMap<>(16, 0.75f, true);

    private static String key(TrialQuery query) {
        return query.sort() + "|" + query.descending() + "|" + query.state();
    }

    /** Whether the query's view is built (for tests of {@link ExperimentQueries#prepare()}). */
    boolean has(TrialQuery query) {
        return views.containsKey(key(query));
    }

    /** A page of the query's view of {@code trials} (the experiment's, in number order). */
    TrialPage page(TrialQuery query, List<Trial> trials, ExperimentSpec spec) {
        String key = key(query);
        TrialViews.View v = views.get(key);
        if (v == null) {
            if (views.size() >= MAX_VIEWS) {
                views.remove(views.keySet().iterator().next());
            }
            v = new TrialViews.View(List.copyOf(trials), query, spec.primary(), spec.constraints());
            views.put(key, v);
        }
        return new TrialPage(v.size(), v.page(query.offset(), query.limit()).stream().map(Transitions::withoutReports).toList());
    }

    /** Moves a trial in every view: {@code before} null for a new one. */
    void update(Trial before, Trial after) {
        views.values().forEach(v -> v.update(before, after));
    }
}
