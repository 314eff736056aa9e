package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.ExperimentCatalog;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;

import static io.tunelab.server.http.QueryParams.takes;
import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * Keeping experiments in order: the list filtered by tag and archived flag, rename / tag / notes
 * / archive ({@code PATCH}), delete, and clone as a new experiment. Each write records the
 * token that made it.
 */
final class CatalogRoutes {
    private final ExperimentCatalog catalog;
    private final ExperimentQueries queries;
    private final Blocking blocking;

    CatalogRoutes(ExperimentCatalog catalog, ExperimentQueries queries, Blocking blocking) {
        this.catalog = catalog;
        this.queries = queries;
        this.blocking = blocking;
    }

    /** The list route, which replaces the unfiltered one: register it before that. */
    void registerList(Router router) {
        takes(router.get("/api/experiments"), "tag", "archived").handler(requires(READ)).handler(this::list);
    }

    void register(Router router) {
        takes(router.patch("/api/experiments/:ref")).handler(requires(WRITE)).handler(this::update);
        takes(router.delete("/api/experiments/:ref")).handler(requires(WRITE)).handler(this::delete);
        takes(router.post("/api/experiments/:ref/clone")).handler(requires(WRITE)).handler(this::copy);
    }

    private void list(RoutingContext rc) {
        String tag = rc.queryParams().get("tag");
        String archived = rc.queryParams().get("archived");
        // QueryParams refused an empty tag or archived, so a value given is a value meant.
        blocking.run(rc, 200, () -> queries.summaries(tag, archivedParam(archived)));
    }

    private static Boolean archivedParam(String v) {
        if (v == null) {
            return null;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "archived must be true or false (or left out for "
                    + "both), got \"" + v + "\"");
        };
    }

    private void update(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        blocking.run(rc, 200, () -> catalog.update(ref, Json.read(requireBody(body, "{\"name\": \"new-name\"}"),
                ExperimentPatch.class), by));
    }

    private void delete(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String by = RequestGuard.principal(rc).name();
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            // A body that asks for something a delete does not do is refused before anything is deleted.
            HttpApi.takesNoFields(body, "a delete");
            catalog.delete(ref, by);
            return Map.of("deleted", ref);
        });
    }

    private record CloneRequest(String name) {
    }

    private void copy(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        blocking.run(rc, 201, () -> catalog.copy(ref, Json.read(requireBody(body, "{\"name\": \"copy-name\"}"), CloneRequest.class).name(),
                by));
    }

    private static String requireBody(String body, String example) {
        if (body == null || body.isBlank()) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, "this request needs a JSON body, as " + example);
        }
        return body;
    }
}
