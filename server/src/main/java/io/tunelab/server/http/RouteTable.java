package io.tunelab.server.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.StringJoiner;
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

    private final Router router;
    /** Per method, one pattern of every path its routes take; read from the router at the first request, when every route is registered. */
    private volatile Map<HttpMethod, Pattern> paths;

    RouteTable(Router router) {
        this.router = router;
    }

    private Map<HttpMethod, Pattern> paths() {
        Map<HttpMethod, Pattern> read = paths;
        if (read == null) {
            var alternatives = new HashMap<HttpMethod, StringJoiner>();
            for (String route : QueryParams.declared(router).keySet()) {
                String[] methodAndPath = route.split(" ", 2);
                alternatives.computeIfAbsent(HttpMethod.valueOf(methodAndPath[0]), m -> new StringJoiner("|"))
                        .add("(?:" + pattern(methodAndPath[1]) + ")");
            }
            var compiled = new HashMap<HttpMethod, Pattern>();
            alternatives.forEach((method, regex) -> compiled.put(method, Pattern.compile(regex.toString())));
            read = Map.copyOf(compiled);
            paths = read;
        }
        return read;
    }

    /** The methods the routes at {@code path} take, sorted, HEAD beside GET; empty when no route has that path. */
    SortedSet<String> methodsAt(String path) {
        var methods = new TreeSet<String>();
        paths().forEach((method, pattern) -> {
            if (pattern.matcher(path).matches()) {
                methods.add(method.name());
                if (method == HttpMethod.GET) {
                    methods.add(HttpMethod.HEAD.name());
                }
            }
        });
        return methods;
    }

    /** Whether a route takes {@code method} at {@code path} (HEAD where GET is): one match against that method's paths. */
    boolean routes(HttpMethod method, String path) {
        Pattern pattern = paths().get(method == HttpMethod.HEAD ? HttpMethod.GET : method);
        return pattern != null && pattern.matcher(path).matches();
    }

    /** A documented path, as {@code /api/trials/{id}/model}, as a pattern in which each parameter is one path segment or part of one. */
    static String pattern(String template) {
        var regex = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append("[^/]+");
            at = m.end();
        }
        // Vert.x routes a path with one trailing slash as the path without it.
        regex.append(Pattern.quote(template.substring(at))).append("/?");
        return regex.toString();
    }
}
