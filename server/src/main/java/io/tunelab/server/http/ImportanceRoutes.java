package io.tunelab.server.http;

import io.tunelab.api.Experiment;
import io.tunelab.api.ParamImportance;
import io.tunelab.api.Trial;
import io.tunelab.server.analysis.ImportanceCache;
import io.tunelab.server.analysis.ParamImportances;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.TrialPage;
import io.tunelab.server.experiment.TrialQuery;
import io.tunelab.server.http.auth.RequestGuard;
import io.tunelab.server.http.auth.Scope;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/experiments/{ref}/importance?objective=N}: each param's share of the variance
 * of objective N (0, the primary, by default) over the experiment's complete trials, by fANOVA
 * ({@link ParamImportances}). Too few complete trials is not an error: the answer is a 200 with
 * no params and a {@code reason}. Fitting the forest runs off the event loop ({@link Blocking})
 * and its answer is kept until the experiment's count of finished trials changes; while the next
 * one is computed, the previous one (whose {@code trials} says what it saw) is answered.
 */
final class ImportanceRoutes {
    private static final int CACHED_EXPERIMENTS = 256;

    private final Blocking blocking;
    private final ExperimentQueries queries;
    private final ImportanceCache cache = new ImportanceCache(CACHED_EXPERIMENTS);

    ImportanceRoutes(Blocking blocking, ExperimentQueries queries) {
        this.blocking = blocking;
        this.queries = queries;
    }

    void mount(Router router) {
        QueryParams.takes(router.get("/api/experiments/:ref/importance"), "objective").handler(RequestGuard.requires(Scope.READ))
                .handler(this::importance);
    }

    private void importance(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> importance(ref, HttpApi.intParam(rc, "objective", 0)));
    }

    private ParamImportance importance(String ref, int objective) {
        Experiment e = queries.experiment(ref);
        ParamImportances.objective(e.spec(), objective);
        return cache.get(e.id(), objective, e.summary().finishedTrials(),
                () -> ParamImportances.of(e.name(), e.spec(), e.seed(), objective, trials(ref)));
    }

    /** Every trial of the experiment, page by page. */
    private List<Trial> trials(String ref) {
        var all = new ArrayList<Trial>();
        while (true) {
            TrialPage page = queries.trials(ref, new TrialQuery(all.size(), TrialQuery.MAX_LIMIT, "number", false, null));
            all.addAll(page.trials());
            if (page.trials().isEmpty() || all.size() >= page.total()) {
                return all;
            }
        }
    }
}
