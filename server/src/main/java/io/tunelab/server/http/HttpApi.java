package io.tunelab.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunelab.api.AskRequest;
import io.tunelab.api.Budget;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.Json;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.SuggestRequest;
import io.tunelab.api.ReportReply;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.ResumeRequest;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.ExperimentService;
import io.tunelab.server.experiment.LeaseService;
import io.tunelab.server.experiment.TrialPage;
import io.tunelab.server.experiment.TrialQuery;
import io.tunelab.server.http.auth.AuthRoutes;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WORKER;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * The routes of the REST API, the event stream, health, metrics and the web UI. Each handler
 * parses its request, runs the domain call on a virtual thread, and answers with JSON; every
 * {@link TunelabException} becomes its status and the one error body, anything else a 500
 * with a request id and no internals ({@link Failures}). Who may call which route, and from
 * where, is decided before the handler runs ({@link RequestGuard}).
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Every JSON or YAML body: specs, results, reports, data reports. */
    static final long MAX_JSON_BYTES = 1024 * 1024;
    /** Models (network plus preprocessing) can be a few megabytes; bound them all the same. */
    static final long MAX_MODEL_BYTES = 256L * 1024 * 1024;

    private final ExperimentService experiments;
    private final LeaseService leases;
    private final ExperimentQueries queries;
    private final WinnerRoutes winners;
    private final EventStream events;
    private final PrometheusMeterRegistry metrics;
    private final RequestGuard guard;
    private final AuthRoutes auth;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();

    HttpApi(Coordinator coordinator, EventStream events, PrometheusMeterRegistry metrics, RequestGuard guard, AuthRoutes auth) {
        this.guard = guard;
        this.auth = auth;
        this.experiments = coordinator.experiments();
        this.leases = coordinator.leases();
        this.queries = coordinator.queries();
        this.winners = new WinnerRoutes(this, coordinator.queries(), coordinator.finalizations());
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * The routes as a table: the guard's checks first (every request), then authentication for
     * everything but health, the login and the static UI, then each route with the scopes it needs.
     */
    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(guard::site);
        router.get("/health").handler(this::health);
        router.get("/login").handler(rc -> rc.redirect("/"));
        router.post("/api/session").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES)).handler(auth::login);
        router.route("/api/*").handler(guard::authenticate);
        router.get("/metrics").handler(guard::authenticate).handler(requires(READ)).handler(this::metrics);
        router.put("/api/trials/:id/model").handler(BodyHandler.create(false).setBodyLimit(MAX_MODEL_BYTES));
        // Bodies only for the methods that carry one: a GET with a multipart Content-Type has nothing to decode.
        router.route("/api/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES));
        auth.register(router);

        router.get("/api/openapi.yaml").handler(requires(READ)).handler(this::openApi);
        router.get("/api/events").handler(requires(READ)).handler(this::eventStream);

        router.post("/api/experiments").handler(requires(WRITE)).handler(this::create);
        router.get("/api/experiments").handler(requires(READ)).handler(this::list);
        router.get("/api/experiments/:ref").handler(requires(READ)).handler(this::describe);
        router.post("/api/experiments/:ref/trials").handler(requires(WRITE)).handler(this::ask);
        router.get("/api/experiments/:ref/trials").handler(requires(READ)).handler(this::trials);
        router.get("/api/experiments/:ref/trials.:format").handler(requires(READ)).handler(this::exportTrials);
        router.get("/api/experiments/:ref/leaderboard").handler(requires(READ)).handler(this::leaderboard);
        router.get("/api/experiments/:ref/pareto").handler(requires(READ)).handler(this::pareto);
        router.get("/api/experiments/:ref/history").handler(requires(READ)).handler(this::history);
        router.get("/api/experiments/:ref/curves").handler(requires(READ)).handler(this::curves);
        router.get("/api/experiments/:ref/data-report").handler(requires(READ)).handler(this::dataReport);
        router.put("/api/experiments/:ref/data-report").handler(requires(WORKER)).handler(this::putDataReport);
        router.post("/api/experiments/:ref/pause").handler(requires(WRITE)).handler(this::pause);
        router.post("/api/experiments/:ref/resume").handler(requires(WRITE)).handler(this::resume);
        router.post("/api/experiments/:ref/stop").handler(requires(WRITE)).handler(this::stop);

        router.get("/api/trials/:id").handler(requires(READ)).handler(this::trial);
        router.post("/api/trials/:id/reports").handler(requires(WRITE, WORKER)).handler(this::report);
        router.post("/api/trials/:id/result").handler(requires(WRITE, WORKER)).handler(this::result);
        router.post("/api/trials/:id/suggest").handler(requires(WRITE)).handler(this::suggest);
        router.post("/api/trials/:id/heartbeat").handler(requires(WRITE, WORKER)).handler(this::heartbeat);
        router.post("/api/trials/:id/release").handler(requires(WRITE, WORKER)).handler(this::release);
        router.put("/api/trials/:id/model").handler(requires(WORKER)).handler(this::putModel);
        router.get("/api/trials/:id/model").handler(requires(READ)).handler(this::model);
        router.post("/api/leases").handler(requires(WORKER)).handler(this::lease);
        winners.mount(router);

        router.route("/api/*").handler(rc -> Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND,
                "no API route " + rc.request().method() + " " + rc.request().path() + "; see GET /api/openapi.yaml")));
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
        router.route("/*").handler(StaticHandler.create("META-INF/resources/tunelab").setIndexPage("index.html"));
        router.route().handler(rc -> Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND,
                "nothing at " + rc.request().method() + " " + rc.request().path())));
        router.route().failureHandler(Failures::handle);
        return router;
    }

    // ------------------------------------------------------------------ experiments

    private void create(RoutingContext rc) {
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        run(rc, 201, () -> experiments.create(Json.readJsonOrYaml(body, ExperimentSpec.class), by));
    }

    private void list(RoutingContext rc) {
        run(rc, 200, queries::summaries);
    }

    private void describe(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> queries.experiment(ref));
    }

    private void ask(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        run(rc, 201, () -> experiments.ask(ref, body != null && !body.isBlank() && Json.read(body, AskRequest.class).leased()));
    }

    private void trials(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> {
            var query = new TrialQuery(intParam(rc, "offset", 0), intParam(rc, "limit", TrialQuery.MAX_LIMIT),
                    rc.queryParams().get("sort"), "desc".equalsIgnoreCase(orderParam(rc)), stateParam(rc));
            TrialPage page = queries.trials(ref, query);
            rc.response().putHeader("X-Total-Count", Integer.toString(page.total()));
            return page.trials();
        });
    }

    /** Every trial as a CSV or JSON table, streamed; the format is the path's extension. */
    private void exportTrials(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        ExportFormat format = ExportFormat.parse(rc.pathParam("format"));
        runThen(rc, () -> queries.export(ref), (r, export) -> {
            r.response().putHeader("Content-Type", format.mediaType())
                    .putHeader("Content-Disposition", "attachment; filename=\"" + export.fileName(format) + "\"");
            StreamedBody.send(r.response(), blocking, out -> export.write(format, out));
        });
    }

    private void leaderboard(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> {
            TrialPage page = queries.leaderboard(ref, intParam(rc, "offset", 0), intParam(rc, "limit", 10));
            rc.response().putHeader("X-Total-Count", Integer.toString(page.total()));
            return page.trials();
        });
    }

    private void pareto(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> queries.pareto(ref));
    }

    private void history(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> queries.history(ref));
    }

    private void curves(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> queries.curves(ref, intParam(rc, "limit", 50)));
    }

    private void dataReport(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> queries.dataReport(ref));
    }

    @SuppressWarnings("unchecked")
    private void putDataReport(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        run(rc, 200, () -> {
            Map<String, Object> report = Json.read(body, Map.class);
            experiments.putDataReport(ref, report);
            return report;
        });
    }

    private void pause(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> experiments.pause(ref));
    }

    private void resume(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        run(rc, 200, () -> {
            Budget budget = body == null || body.isBlank() ? null : Json.read(body, ResumeRequest.class).budget();
            return experiments.resume(ref, budget);
        });
    }

    private void stop(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        run(rc, 200, () -> experiments.stop(ref));
    }

    // ------------------------------------------------------------------ trials

    private void trial(RoutingContext rc) {
        run(rc, 200, () -> queries.trial(trialId(rc)));
    }

    private void report(RoutingContext rc) {
        String body = rc.body().asString();
        run(rc, 200, () -> new ReportReply(experiments.report(trialId(rc), Json.read(body, ReportRequest.class))));
    }

    private void result(RoutingContext rc) {
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        run(rc, 200, () -> experiments.tell(trialId(rc), Json.read(body, TrialResult.class), by));
    }

    private void suggest(RoutingContext rc) {
        String body = rc.body().asString();
        run(rc, 200, () -> {
            SuggestRequest request = Json.read(body, SuggestRequest.class);
            return Map.of("value", experiments.suggest(trialId(rc), request.name(), request.param()));
        });
    }

    private record HeartbeatRequest(String leaseId) {
    }

    private void heartbeat(RoutingContext rc) {
        String body = rc.body().asString();
        run(rc, 200, () -> leases.heartbeat(trialId(rc), Json.read(body, HeartbeatRequest.class).leaseId()));
    }

    private void release(RoutingContext rc) {
        String body = rc.body().asString();
        run(rc, 200, () -> leases.release(trialId(rc), Json.read(body, HeartbeatRequest.class).leaseId()));
    }

    private void putModel(RoutingContext rc) {
        Buffer body = rc.body().buffer();
        String leaseId = rc.queryParams().get("leaseId");
        run(rc, 200, () -> {
            long id = trialId(rc);
            String sha256 = experiments.putModel(id, leaseId, body == null ? new byte[0] : body.getBytes());
            return Map.of("trial", id, "bytes", body == null ? 0 : body.length(), "sha256", sha256);
        });
    }

    private void model(RoutingContext rc) {
        runThen(rc, () -> queries.model(trialId(rc)), (r, model) -> r.response()
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Disposition", "attachment; filename=\"trial-" + r.pathParam("id") + "-model.zip\"")
                .end(Buffer.buffer(model)));
    }

    private void lease(RoutingContext rc) {
        String body = rc.body().asString();
        runThen(rc, () -> leases.lease(Json.read(body, LeaseRequest.class)), (r, lease) -> {
            if (lease.isEmpty()) {
                r.response().setStatusCode(204).end();
            } else if (r.response().closed()) {
                // The worker went away while it waited: give the trial to the next one.
                blocking.execute(() -> releaseQuietly(lease.get().trial().id(), lease.get().leaseId()));
            } else {
                send(r, 200, Json.writeBytes(lease.get()));
            }
        });
    }

    private void releaseQuietly(long trialId, String leaseId) {
        try {
            leases.release(trialId, leaseId);
        } catch (TunelabException e) {
            LOG.warn("could not release trial {} of a departed worker: {}", trialId, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ service endpoints

    private void health(RoutingContext rc) {
        send(rc, 200, Json.writeBytes(Map.of("status", "UP")));
    }

    private void metrics(RoutingContext rc) {
        runThen(rc, metrics::scrape,
                (r, text) -> r.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text));
    }

    private void openApi(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "application/yaml").sendFile("openapi.yaml")
                .onFailure(e -> Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND, "the OpenAPI document is missing from this build")));
    }

    private void eventStream(RoutingContext rc) {
        events.open(rc.response(), Vertx.currentContext());
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs a domain call on a virtual thread and answers with its JSON on the request's context. */
    void run(RoutingContext rc, int status, Callable<Object> work) {
        runThen(rc, () -> Json.writeBytes(work.call()), (r, json) -> send(r, status, json));
    }

    /**
     * Runs blocking work on a virtual thread, then hands its result to {@code reply} on the
     * request's event-loop context; a failure becomes the error response.
     */
    private <T> void runThen(RoutingContext rc, Callable<T> work, BiConsumer<RoutingContext, T> reply) {
        Context context = Vertx.currentContext();
        blocking.execute(() -> {
            try {
                T result = work.call();
                context.runOnContext(v -> reply.accept(rc, result));
            } catch (Throwable t) {
                context.runOnContext(v -> Failures.send(rc, t));
            }
        });
    }

    private static void send(RoutingContext rc, int status, byte[] json) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(json));
    }

    static long trialId(RoutingContext rc) {
        String id = rc.pathParam("id");
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException ex) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no trial with id \"" + id + "\"; trial ids are numbers");
        }
    }

    static int intParam(RoutingContext rc, String name, int fallback) {
        String v = rc.queryParams().get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException ex) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "query parameter " + name + " must be an integer, got \"" + v + "\"");
        }
    }

    private static String orderParam(RoutingContext rc) {
        String v = rc.queryParams().get("order");
        if (v != null && !v.equalsIgnoreCase("asc") && !v.equalsIgnoreCase("desc")) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "order must be asc or desc, got \"" + v + "\"");
        }
        return v;
    }

    private static TrialState stateParam(RoutingContext rc) {
        String v = rc.queryParams().get("state");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return TrialState.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "state must be one of WAITING, RUNNING, COMPLETE, PRUNED, FAILED, got \"" + v + "\"");
        }
    }

    void close() {
        blocking.shutdownNow();
    }

}
