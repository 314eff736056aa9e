package io.tunelab.server.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's routes as the paths they answer and the methods each takes, read from the routes
 * declared with {@link QueryParams#takes}, read once the router is built (at the first request). It tells a path no route
 * has ({@code 404}) from a path whose route takes other methods ({@code 405} with an
 * {@code Allow} header), and lets the body checks skip a request no route will read.
 */
final class RouteTable {
    private static final Pattern PARAM = Pattern.compile("\\{[A-Za-z0-9_]+}");

    private record Entry(Pattern path, HttpMethod method) {
    }

    private final Router router;
    /** Read from the router at the first request, when every route is registered. */
    private volatile List<Entry> entries;

    RouteTable(Router router) {
        this.router = router;
    }

    private List<Entry> entries() {
        List<Entry> read = entries;
        if (read == null) {
            var all = new ArrayList<Entry>();
            for (Map.Entry<String, QueryParams.Accepted> route : QueryParams.declared(router).entrySet()) {
                String[] methodAndPath = route.getKey().split(" ", 2);
                all.add(new Entry(pattern(methodAndPath[1]), HttpMethod.valueOf(methodAndPath[0])));
            }
            read = List.copyOf(all);
            entries = read;
        }
        return read;
    }

    /** The methods the routes at {@code path} take, sorted; empty when no route has that path. */
    SortedSet<String> methodsAt(String path) {
        var methods = new TreeSet<String>();
        for (Entry e : entries()) {
            if (e.path().matcher(path).matches()) {
                methods.add(e.method().name());
            }
        }
        return methods;
    }

    /** Whether a route takes {@code method} at {@code path}. */
    boolean routes(HttpMethod method, String path) {
        for (Entry e : entries()) {
            if (e.method().equals(method) && e.path().matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /** A documented path, as {@code /api/trials/{id}/model}, as a pattern in which each parameter is one path segment or part of one. */
    private static Pattern pattern(String template) {
        var regex = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append("[^/]+");
            at = m.end();
        }
        // Vert.x routes a path with one trailing slash as the path without it.
        regex.append(Pattern.quote(template.substring(at))).append("/?");
        return Pattern.compile(regex.toString());
    }
}
