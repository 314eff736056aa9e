package io.tunelab.server.http;

import io.tunelab.api.EnqueueRequest;
import io.tunelab.api.Json;
import io.tunelab.server.experiment.RequestKey;
import io.tunelab.server.experiment.TrialImports;
import io.tunelab.server.experiment.TrialQueue;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import static io.tunelab.server.http.QueryParams.takes;
import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * Trials the strategy did not propose: enqueue a configuration to be handed out next
 * ({@code POST …/trials/enqueue}), list what is still queued ({@code GET …/trials/queue}), and
 * import finished trials from a CSV in the layout of the trials export
 * ({@code POST …/trials/import}, {@code text/csv}). Bodies are bounded as every JSON body is
 * ({@link HttpApi#MAX_JSON_BYTES}); each write records the token that made it.
 */
final class QueueRoutes {
    private final TrialQueue queue;
    private final TrialImports imports;
    private final Blocking blocking;

    QueueRoutes(TrialQueue queue, TrialImports imports, Blocking blocking) {
        this.queue = queue;
        this.imports = imports;
        this.blocking = blocking;
    }

    void mount(Router router) {
        takes(router.post("/api/experiments/:ref/trials/enqueue")).handler(requires(WRITE)).handler(this::enqueue);
        takes(router.get("/api/experiments/:ref/trials/queue")).handler(requires(READ)).handler(this::queued);
        takes(router.post("/api/experiments/:ref/trials/import")).handler(requires(WRITE)).handler(this::importCsv);
    }

    private void enqueue(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        RequestKey requestId = HttpApi.requestKey(rc);
        blocking.run(rc, 201, () -> queue.enqueue(ref, Json.read(body, EnqueueRequest.class).params(), by, requestId));
    }

    private void queued(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> queue.queued(ref));
    }

    private void importCsv(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        blocking.run(rc, 201, () -> imports.importCsv(ref, body, by));
    }
}
