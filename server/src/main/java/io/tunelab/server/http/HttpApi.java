package io.tunelab.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunelab.api.AskRequest;
import io.tunelab.api.Budget;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.Json;
import io.tunelab.api.ResumeRequest;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.ExperimentService;
import io.tunelab.server.experiment.LogText;
import io.tunelab.server.experiment.RequestKey;
import io.tunelab.server.experiment.TrialPage;
import io.tunelab.server.experiment.TrialQuery;
import io.tunelab.server.http.auth.AuthRoutes;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.tunelab.server.http.QueryParams.takes;
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
    /** The header of an ask's or a tell's request id: a retry with the same id gets the first answer. */
    static final String REQUEST_ID = io.tunelab.api.RequestId.HEADER;

    /** The routing context's key of whether a route takes the request ({@link RouteTable#routes}). */
    private static final String ROUTED = "tunelab.routed";
    /** The OpenAPI document, a resource of this build. */
    private static final String OPENAPI = "openapi.yaml";

    /** Every JSON or YAML body: specs, results, reports, data reports. */
    static final long MAX_JSON_BYTES = 1024 * 1024;

    private final ExperimentService experiments;
    private final ExperimentQueries queries;
    private final TrialRoutes trials;
    private final WinnerRoutes winners;
    private final ArtifactRoutes artifacts;
    private final CatalogRoutes catalog;
    private final QueueRoutes queue;
    private final EventStream events;
    private final PrometheusMeterRegistry metrics;
    private final RequestGuard guard;
    private final AuthRoutes auth;
    private final Blocking blocking = new Blocking();

    HttpApi(Coordinator coordinator, EventStream events, PrometheusMeterRegistry metrics, RequestGuard guard, AuthRoutes auth,
            HttpLimits limits) {
        this.guard = guard;
        this.auth = auth;
        this.experiments = coordinator.experiments();
        this.trials = new TrialRoutes(coordinator, blocking, limits.maxModelBytes());
        this.winners = new WinnerRoutes(blocking, coordinator.queries(), coordinator.finalizations());
        this.queries = coordinator.queries();
        this.artifacts = new ArtifactRoutes(coordinator.artifacts(), blocking, limits.maxArtifactBytes());
        this.catalog = new CatalogRoutes(coordinator.catalog(), coordinator.queries(), blocking);
        this.queue = new QueueRoutes(coordinator.queue(), coordinator.imports(), blocking);
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Whether a request's body is read after authentication: a POST, PUT, PATCH or DELETE that a
     * route takes is read by the body handler or an upload, which resume a paused request; one
     * refused before its body is read has it drained by the failure handler ({@link Failures}).
     */
    static boolean readsBody(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        return Boolean.TRUE.equals(rc.get(ROUTED)) && (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE);
    }

    /**
     * The routes as a table: the guard's checks first (every request), then authentication for
     * everything but health, the login and the static UI, then each route with the query
     * parameters it takes ({@link QueryParams#takes}; any other is refused) and the scopes it needs.
     */
    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        var routes = new RouteTable(router);
        router.route().handler(guard::site);
        router.route().handler(HttpApi::refuseEmptySegment);
        // Whether a route takes the request, decided once: its body is checked and read only then.
        router.route().handler(rc -> {
            boolean routed = routes.routes(rc.request().method(), rc.normalizedPath());
            rc.put(ROUTED, routed);
            if (routed) {
                guard.bodyType(rc);
            } else {
                rc.next();
            }
        });
        router.route().handler(QueryParams::decodable);
        takes(router.get("/health")).handler(this::health);
        QueryParams.browserPage(router.get("/login")).handler(HttpApi::toTheWebUi);
        // Vert.x runs a route's body handler before its other handlers: the query is checked after it.
        takes(router.post("/api/session").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES))).handler(auth::login);
        router.route("/api/*").handler(guard::authenticate);
        // Authenticated first, as every API route is: a caller without a token learns nothing of its query.
        takes(router.get("/metrics").handler(guard::authenticate)).handler(requires(READ)).handler(this::metrics);
        trials.registerModelUpload(router);
        artifacts.registerUpload(router);
        // Bodies only for the methods that carry one (a GET with a multipart Content-Type has nothing to
        // decode), and only for a request a route takes: one answered 404 or 405 is not read at all.
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES);
        router.route("/api/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
                .handler(rc -> {
                    if (Boolean.TRUE.equals(rc.get(ROUTED))) {
                        bodies.handle(rc);
                    } else {
                        rc.next();
                    }
                })
                .handler(HttpApi::utf8Body);
        auth.register(router, route -> takes(route), rc -> {
            takesNoFields(rc.body().asString(), "a " + rc.request().method().name().toLowerCase(java.util.Locale.ROOT));
            rc.next();
        });

        // The trials' routes first, the tell among them: Vert.x tries a request's path against each
        // route's pattern in turn, a regular-expression match (and its allocation) per route tried.
        // No request's method and path match two API routes, so their order decides only how many are tried.
        trials.register(router);
        takes(router.get("/api/openapi.yaml")).handler(requires(READ)).handler(this::openApi);
        // Checked before the stream opens: a refused query is answered with the error body, not a stream.
        takes(router.get("/api/events")).handler(requires(READ)).handler(this::eventStream);

        takes(router.post("/api/experiments")).handler(requires(WRITE)).handler(this::create);
        catalog.registerList(router);
        takes(router.get("/api/experiments/:ref")).handler(requires(READ)).handler(this::describe);
        takes(router.post("/api/experiments/:ref/trials")).handler(requires(WRITE)).handler(this::ask);
        takes(router.get("/api/experiments/:ref/trials"), "limit", "offset", "sort", "order", "state")
                .handler(requires(READ)).handler(this::trials);
        takes(router.get("/api/experiments/:ref/trials.:format")).handler(requires(READ)).handler(this::exportTrials);
        takes(router.get("/api/experiments/:ref/leaderboard"), "limit", "offset").handler(requires(READ)).handler(this::leaderboard);
        takes(router.get("/api/experiments/:ref/pareto")).handler(requires(READ)).handler(this::pareto);
        takes(router.get("/api/experiments/:ref/history")).handler(requires(READ)).handler(this::history);
        takes(router.get("/api/experiments/:ref/curves"), "limit").handler(requires(READ)).handler(this::curves);
        takes(router.get("/api/experiments/:ref/data-report")).handler(requires(READ)).handler(this::dataReport);
        takes(router.put("/api/experiments/:ref/data-report"), "leaseId").handler(requires(WORKER)).handler(this::putDataReport);
        takes(router.post("/api/experiments/:ref/pause")).handler(requires(WRITE)).handler(this::pause);
        takes(router.post("/api/experiments/:ref/resume")).handler(requires(WRITE)).handler(this::resume);
        takes(router.post("/api/experiments/:ref/stop")).handler(requires(WRITE)).handler(this::stop);

        winners.mount(router);
        artifacts.register(router);
        catalog.register(router);
        new ImportanceRoutes(blocking, queries).mount(router);
        queue.mount(router);

        router.route("/api/*").handler(rc -> unrouted(rc, routes, what -> "no API route " + what + "; see GET /api/openapi.yaml"));
        // Vert.x's static handler answers a HEAD without the Content-Type its GET carries: a HEAD of a web
        // file is routed as its GET, whose body Vert.x leaves out of the answer to a HEAD.
        router.route("/*").method(HttpMethod.HEAD).handler(rc -> rc.reroute(HttpMethod.GET, rc.request().uri()));
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
        router.route("/*").handler(StaticHandler.create("META-INF/resources/tunelab").setIndexPage("index.html"));
        router.route().handler(rc -> unrouted(rc, routes, what -> "nothing at " + what));
        router.route().failureHandler(Failures::handle);
        return router;
    }

    /**
     * Refuses a JSON, YAML or CSV body that is not UTF-8: decoding it as text would replace each
     * bad byte with U+FFFD, and a name or a note would be stored as something its sender never
     * wrote. Says where the first bad byte is.
     */
    private static void utf8Body(RoutingContext rc) {
        var body = rc.body() == null ? null : rc.body().buffer();
        if (body != null && !isAscii(body)) {
            byte[] bytes = body.getBytes();
            var in = ByteBuffer.wrap(bytes);
            CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, CharBuffer.allocate(bytes.length), true);
            if (result.isError()) {
                rc.fail(TunelabException.of(ErrorCode.MALFORMED_BODY, "the body is not UTF-8 text: byte " + in.position()
                        + " (0x" + String.format("%02x", bytes[in.position()] & 0xff) + ") starts no UTF-8 character; "
                        + "send the body encoded as UTF-8"));
                return;
            }
        }
        rc.next();
    }

    /** Whether every byte is ASCII, so UTF-8 already: the bodies of tells and asks, read on every request, are. */
    private static boolean isAscii(Buffer body) {
        for (int i = 0; i < body.length(); i++) {
            if (body.getByte(i) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a path with an empty segment after its first one ({@code /api/experiments//pause}):
     * the router matches a path with its empty segments dropped, so such a request would be taken
     * by a route it does not name ({@code PATCH /api/experiments//pause} changed the experiment
     * "pause"; {@code POST /api/trials//result} was a 405 for the trial "result"). Slashes before
     * the first segment are left to the router: {@code //api/experiments} is a base URL ending in
     * "/" joined to "/api/experiments".
     */
    private static void refuseEmptySegment(RoutingContext rc) {
        String path = rc.request().path();
        int first = 0;
        while (first < path.length() && path.charAt(first) == '/') {
            first++;
        }
        if (path.indexOf("//", first) >= 0) {
            Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND, "nothing at " + rc.request().method() + " " + path
                    + ": the path has an empty segment (\"//\") where a name or id belongs"));
            return;
        }
        rc.next();
    }

    /**
     * A request no route took: {@code 405} with the methods the path's routes take in
     * {@code Allow} when the path is a route's ({@code GET /api/experiments/x/pause}), else
     * {@code 404} with the message {@code notFound} makes of the request ("GET /path").
     */
    private static void unrouted(RoutingContext rc, RouteTable routes, UnaryOperator<String> notFound) {
        String what = rc.request().method() + " " + rc.request().path();
        var methods = routes.methodsAt(rc.normalizedPath());
        if (methods.isEmpty()) {
            Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND, notFound.apply(what)));
            return;
        }
        String allow = String.join(", ", methods);
        rc.response().putHeader("Allow", allow);
        Failures.send(rc, TunelabException.of(ErrorCode.METHOD_NOT_ALLOWED, rc.request().path() + " takes " + allow
                + ", not " + rc.request().method(), Map.of("allow", List.copyOf(methods))));
    }

    // ------------------------------------------------------------------ experiments

    private void create(RoutingContext rc) {
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        blocking.run(rc, 201, () -> experiments.create(Json.readJsonOrYaml(body, ExperimentSpec.class), by));
    }

    private void describe(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.runThen(rc, () -> queries.experimentJson(ref), (r, json) -> Blocking.send(r, 200, json));
    }

    private void ask(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        RequestKey requestId = requestKey(rc);
        // Asked right here on the event loop when the domain can do it without a wait, else on a virtual thread.
        blocking.runHereOrLater(rc, 201, () -> body != null && !body.isBlank() && Json.read(body, AskRequest.class).leased(),
                leased -> experiments.askHere(ref, leased, requestId, blocking), leased -> experiments.askLater(ref, leased, requestId, blocking));
    }

    /**
     * The request id of {@code rc} (null without one) with the token that sent it and a digest of
     * its body: the server answers a retry under that id only for the same token and body.
     */
    static RequestKey requestKey(RoutingContext rc) {
        var body = rc.body() == null ? null : rc.body().buffer();
        return RequestKey.of(rc.request().getHeader(REQUEST_ID), RequestGuard.principal(rc).name(),
                body == null ? null : body.getBytes());
    }

    private void trials(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.runThen(rc, () -> {
            var query = new TrialQuery(intParam(rc, "offset", 0, 0, Integer.MAX_VALUE),
                    intParam(rc, "limit", TrialQuery.MAX_LIMIT, 1, TrialQuery.MAX_LIMIT),
                    rc.queryParams().get("sort"), "desc".equalsIgnoreCase(orderParam(rc)), stateParam(rc));
            return queries.trialsJson(ref, query);
        }, (r, page) -> Blocking.sendPage(r, page.total(), page.json()));
    }

    /**
     * Every trial as a CSV or JSON table, streamed; the format is the path's extension. A HEAD gets
     * the GET's status and headers, chunked without a length as the GET, from the experiment's stored name alone:
     * the export is not built, nor the trials read (or loaded, when the experiment is not in memory).
     */
    private void exportTrials(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        ExportFormat format = ExportFormat.parse(rc.pathParam("format"));
        if (KnownLength.head(rc)) {
            blocking.runThen(rc, () -> queries.exportFileName(ref, format), (r, fileName) -> {
                exportHeaders(r, format, fileName);
                KnownLength.endChunkedHead(r);
            });
            return;
        }
        blocking.runThen(rc, () -> queries.export(ref), (r, export) -> {
            exportHeaders(r, format, export.fileName(format));
            StreamedBody.send(r.response(), blocking, out -> export.write(format, out));
        });
    }

    private static HttpServerResponse exportHeaders(RoutingContext rc, ExportFormat format, String fileName) {
        return rc.response().putHeader("Content-Type", format.mediaType())
                .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
    }

    private void leaderboard(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.runPage(rc, () -> queries.leaderboard(ref, intParam(rc, "offset", 0, 0, Integer.MAX_VALUE),
                intParam(rc, "limit", 10, 1, TrialQuery.MAX_LIMIT)),
                TrialPage::total, TrialPage::trials);
    }

    private void pareto(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> queries.pareto(ref));
    }

    private void history(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> queries.history(ref));
    }

    private void curves(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> queries.curves(ref, intParam(rc, "limit", 50, 1, ExperimentQueries.MAX_CURVES)));
    }

    private void dataReport(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        blocking.run(rc, 200, () -> queries.dataReport(ref));
    }

    @SuppressWarnings("unchecked")
    private void putDataReport(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String leaseId = rc.queryParams().get("leaseId");
        String by = RequestGuard.principal(rc).name();
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            Map<String, Object> report = Json.read(body, Map.class);
            experiments.putDataReport(ref, leaseId, by, report);
            return report;
        });
    }

    private void pause(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String by = RequestGuard.principal(rc).name();
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            takesNoFields(body, "a pause");
            return experiments.pause(ref, by);
        });
    }

    /**
     * Refuses a body with fields on a request that takes none ({@code {"reason": "…"}} on a stop
     * was ignored, so the caller believed it stored): no body or {@code {}} only.
     */
    static void takesNoFields(String body, String request) {
        if (body == null || body.isBlank()) {
            return;
        }
        var tree = Json.tree(body);
        if (!tree.isObject() || !tree.isEmpty()) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, request + " takes no fields; send no body or {}, got "
                    + (tree.isObject() ? "\"" + tree.fieldNames().next() + "\"" : tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private void resume(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        blocking.run(rc, 200, () -> {
            Budget budget = body == null || body.isBlank() ? null : Json.read(body, ResumeRequest.class).budget();
            return experiments.resume(ref, budget, by);
        });
    }

    private void stop(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String by = RequestGuard.principal(rc).name();
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            takesNoFields(body, "a stop");
            return experiments.stop(ref, by);
        });
    }

    // ------------------------------------------------------------------ service endpoints

    private void health(RoutingContext rc) {
        Blocking.send(rc, 200, Json.writeBytes(Map.of("status", "UP")));
    }

    private void metrics(RoutingContext rc) {
        blocking.runThen(rc, metrics::scrape, (r, text) -> {
            r.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            KnownLength.end(r, text);
        });
    }

    /** The login page is the web UI's: {@code rc.redirect("/")}'s answer, with its length on a HEAD too. */
    private static void toTheWebUi(RoutingContext rc) {
        rc.response().setStatusCode(302).putHeader("Location", "/").putHeader("Content-Type", "text/plain; charset=utf-8");
        KnownLength.end(rc, "Redirecting to /.");
    }

    private void openApi(RoutingContext rc) {
        Runnable missing = () -> Failures.send(rc, TunelabException.of(ErrorCode.NOT_FOUND, "the OpenAPI document is missing from this build"));
        rc.response().putHeader("Content-Type", "application/yaml");
        if (KnownLength.head(rc)) {
            rc.vertx().fileSystem().props(OPENAPI).onSuccess(file -> KnownLength.endHead(rc, file.size())).onFailure(e -> missing.run());
        } else {
            rc.response().sendFile(OPENAPI).onFailure(e -> missing.run());
        }
    }

    private void eventStream(RoutingContext rc) {
        try {
            if (rc.request().method() == HttpMethod.HEAD) {
                // What a GET would begin with, chunked as it is, or its refusal when the streams are
                // at their limit; no stream is opened for a request that reads no body.
                events.refuseWhenFull();
                EventStream.headers(rc.response());
                KnownLength.endChunkedHead(rc);
                return;
            }
            events.open(rc.response(), Vertx.currentContext());
        } catch (TunelabException e) {
            rc.response().putHeader("Retry-After", "30");
            Failures.send(rc, e);
        }
    }

    /**
     * An integer query parameter, or {@code fallback} when it is left out. Its range is the
     * domain's to check (the limits differ by route); a value that is no integer at all is refused
     * here, naming the parameter. {@link QueryParams} has refused an empty one already.
     */
    static int intParam(RoutingContext rc, String name, int fallback) {
        return intParam(rc, name, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * {@link #intParam(RoutingContext, String, int)} of a parameter whose values run from {@code min}
     * to {@code max}: a value that is no integer, or one too long for any int, is refused naming
     * that range (one in an int's range but outside it is left to the query's own check).
     */
    static int intParam(RoutingContext rc, String name, int fallback, int min, int max) {
        String v = rc.queryParams().get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException ex) {
            boolean digits = v.strip().matches("[-+]?[0-9]+");
            boolean ranged = min != Integer.MIN_VALUE || max != Integer.MAX_VALUE;
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "query parameter " + name + " must be an integer"
                    + (digits || ranged ? " from " + min + " to " + max : "") + " (" + fallback + " when left out), got \""
                    + LogText.of(v) + "\"");
        }
    }

    private static String orderParam(RoutingContext rc) {
        String v = rc.queryParams().get("order");
        if (v != null && !v.strip().equalsIgnoreCase("asc") && !v.strip().equalsIgnoreCase("desc")) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "order must be asc or desc, got \"" + v + "\"");
        }
        return v == null ? null : v.strip();
    }

    private static TrialState stateParam(RoutingContext rc) {
        String v = rc.queryParams().get("state");
        if (v == null) {
            return null;
        }
        try {
            return TrialState.valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "state must be one of " + Arrays.stream(TrialState.values())
                    .map(TrialState::name).collect(Collectors.joining(", ")) + " (every state when left out), got \"" + v + "\"");
        }
    }

    void close() {
        blocking.close();
    }

}
