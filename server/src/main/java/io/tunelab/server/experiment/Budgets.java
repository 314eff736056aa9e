package io.tunelab.server.experiment;

import io.tunelab.server.storage.StoredExperiment;

import java.time.Instant;

/** What an experiment's budget ({@code budget.trials}, {@code budget.minutes}) still allows. */
final class Budgets {
    private Budgets() {
    }

    /** Why the row's budget allows no trial numbered {@code next} at {@code now}, or null when it allows one. */
    static String spent(StoredExperiment row, int next, Instant now) {
        var budget = row.spec().budget();
        if (budget.trials() != null && next >= budget.trials()) {
            return "the budget of " + budget.trials() + " trials is spent";
        }
        if (budget.minutes() != null && row.runningMillis(now) >= budget.minutes() * 60_000) {
            return "the budget of " + budget.minutes() + " minutes is spent";
        }
        return null;
    }
}
