package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The query parameters each route accepts, declared on the route where it is registered
 * ({@link #takes}) and checked before the route's other handlers run. A parameter the route does
 * not take ({@code ?limt=5}), one given twice ({@code ?limit=1&limit=2}), one without a value
 * ({@code ?limit=}) and a query that is not valid percent-encoding are refused with
 * {@code 400 INVALID_ARGUMENT} naming the parameter and the ones the route takes, so nothing is
 * answered as if a mistyped parameter were not there. Browser pages ({@link #browserPage}: the
 * login page; the web UI's files are not routes of their own) are not checked: a link or a
 * browser may add a query of its own, such as a cache-buster. The declarations are the routes'
 * metadata, read back by {@link #declared} for the OpenAPI document's test.
 */
final class QueryParams {
    private static final String METADATA = "tunelab.queryParams";
    /** Longest name or value a refusal repeats back. */
    private static final int SHOWN = 100;

    /** What a route accepts: these names, in the order the route declares them, or any query on a browser page. */
    record Accepted(List<String> names, boolean browserPage) {
        Accepted {
            names = List.copyOf(names);
        }
    }

    private QueryParams() {
    }

    /**
     * Declares that {@code route} accepts exactly {@code names} (none when empty) and checks every
     * request to it. A route that takes GET takes HEAD too, answered as the GET is, without its body.
     */
    static Route takes(Route route, String... names) {
        var accepted = new Accepted(List.of(names), false);
        if (route.methods() != null && route.methods().contains(HttpMethod.GET)) {
            route.method(HttpMethod.HEAD);
        }
        String template = template(route.getPath());
        return route.putMetadata(METADATA, accepted).handler(rc -> {
            TunelabException refused = refusal(rc.queryParams(), accepted.names(), rc.request().method() + " " + template);
            if (refused == null) {
                rc.next();
            } else {
                rc.fail(refused);
            }
        });
    }

    /** Declares that {@code route} is a page a browser opens from a link, whose query is not checked. */
    static Route browserPage(Route route) {
        return withHead(route).putMetadata(METADATA, new Accepted(List.of(), true));
    }

    /** {@code route}, taking HEAD as well when it takes GET (HTTP asks every server to). */
    private static Route withHead(Route route) {
        return route.methods() != null && route.methods().contains(HttpMethod.GET) ? route.method(HttpMethod.HEAD) : route;
    }

    /**
     * The first handler of every request after the site checks: a query string that is not valid
     * percent-encoding ({@code ?limit=%zz}) is refused here, before any route with a path
     * parameter decodes it (which would answer a bare 400 without the error body and log a stack
     * trace), and so is one with a value without a name ({@code ?=5}).
     */
    static void decodable(RoutingContext rc) {
        String query = rc.request().query();
        try {
            rc.queryParams();
        } catch (RuntimeException e) {
            rc.fail(TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the query string \"" + shown(query)
                    + "\" is not valid percent-encoding (a '%' must be followed by two hex digits, as %20)"));
            return;
        }
        // A value without a name ("?=5") is read as a parameter named by its value; say what it is instead.
        for (String part : query == null ? new String[0] : query.split("&")) {
            if (part.startsWith("=")) {
                rc.fail(TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the query string \"" + shown(query)
                        + "\" has a value without a name (\"" + shown(part) + "\"); give it as name=value"));
                return;
            }
        }
        rc.next();
    }

    /**
     * Every declared route as {@code METHOD /path/{param}} with what it accepts, sorted; HEAD,
     * which every GET route takes as well, is not listed apart.
     */
    static Map<String, Accepted> declared(Router router) {
        var out = new TreeMap<String, Accepted>();
        for (Route route : router.getRoutes()) {
            if (route.getMetadata(METADATA) instanceof Accepted accepted && route.methods() != null) {
                for (HttpMethod method : route.methods()) {
                    if (method != HttpMethod.HEAD) {
                        out.put(method.name() + " " + template(route.getPath()), accepted);
                    }
                }
            }
        }
        return out;
    }

    /** Why {@code query} is refused by a route ({@code what}, as "GET /api/…") that accepts {@code names}; null when it is not. */
    static TunelabException refusal(MultiMap query, List<String> names, String what) {
        for (String name : query.names()) {
            if (!names.contains(name)) {
                String message = names.isEmpty()
                        ? what + " takes no query parameters, got \"" + shown(name) + "\""
                        : "unknown query parameter \"" + shown(name) + "\" for " + what + "; known: " + String.join(", ", names);
                return refused(message, name, names);
            }
            List<String> values = query.getAll(name);
            if (values.size() > 1) {
                return refused("query parameter \"" + name + "\" of " + what + " is given " + values.size()
                        + " times; give it once", name, names);
            }
            if (values.getFirst().isBlank()) {
                return refused("query parameter \"" + name + "\" of " + what + " has no value; give one, or leave the "
                        + "parameter out", name, names);
            }
        }
        return null;
    }

    private static TunelabException refused(String message, String name, List<String> names) {
        var details = new LinkedHashMap<String, Object>();
        details.put("parameter", shown(name));
        details.put("known", names);
        return TunelabException.of(ErrorCode.INVALID_ARGUMENT, message, details);
    }

    /** A route's path as the API documents it: {@code /api/experiments/{ref}/trials.{format}}. */
    static String template(String path) {
        return path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    }

    private static String shown(String text) {
        return text == null ? "" : text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "…";
    }
}
