package io.tunelab.server.http;

import io.tunelab.api.Finalization;
import io.tunelab.api.Json;
import io.tunelab.api.TestResult;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.Finalizations;
import io.tunelab.server.http.auth.Scope;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import static io.tunelab.server.http.QueryParams.takes;
import static io.tunelab.server.http.auth.RequestGuard.requires;

/**
 * The routes that name a winner honestly: the significance-aware ranking, the finalization
 * that refits the winner and scores it on the held-out test split, the refit model it keeps
 * (a download, as a trial's model is), and the test score an SDK
 * user (or the finalizing worker) tells. Runs its domain calls off the event loop ({@link Blocking}).
 */
final class WinnerRoutes {
    private final Blocking blocking;
    private final ExperimentQueries queries;
    private final Finalizations finalizations;

    WinnerRoutes(Blocking blocking, ExperimentQueries queries, Finalizations finalizations) {
        this.blocking = blocking;
        this.queries = queries;
        this.finalizations = finalizations;
    }

    void mount(Router router) {
        takes(router.get("/api/experiments/:ref/ranking"), "limit", "offset").handler(requires(Scope.READ)).handler(this::ranking);
        takes(router.post("/api/experiments/:ref/finalize")).handler(requires(Scope.WRITE)).handler(this::finalizeWinner);
        takes(router.get("/api/experiments/:ref/finalization")).handler(requires(Scope.READ)).handler(this::finalization);
        takes(router.get("/api/experiments/:ref/finalization/model")).handler(requires(Scope.READ)).handler(this::finalizationModel);
        takes(router.post("/api/trials/:id/test")).handler(requires(Scope.WRITE, Scope.WORKER)).handler(this::testResult);
    }

    private void ranking(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.runPage(rc, () -> queries.ranking(ref, HttpApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE),
                HttpApi.intParam(rc, "limit", 100, 1, io.tunelab.server.experiment.TrialQuery.MAX_LIMIT)),
                ExperimentQueries.RankingPage::total, ExperimentQueries.RankingPage::ranking);
    }

    private void finalizeWinner(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        blocking.run(rc, 202, () -> {
            HttpApi.takesNoFields(body, "a finalize");
            return finalizations.finalize(ref);
        });
    }

    private void finalization(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> finalizations.of(ref));
    }

    /**
     * The finalization's refit model, streamed from the database through a temporary file
     * ({@link Downloads}); a HEAD reads its size from the finalization.
     */
    private void finalizationModel(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        Downloads.send(rc, blocking, out -> queries.copyFinalizationModel(ref, out), () -> {
            Finalization f = queries.finalizationModel(ref);
            return new Downloads.Size<>(f, f.modelBytes());
        }, f -> "trial-" + f.trialId() + "-refit-model.zip");
    }

    private void testResult(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> finalizations.recordTest(TrialRoutes.trialId(rc), Json.read(body, TestResult.class)));
    }
}
