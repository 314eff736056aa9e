package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route in the server's declared table, over HTTP with the admin token (which holds every
 * scope): a query parameter it does not take, and one it takes given twice, are refused with 400
 * INVALID_ARGUMENT naming the parameter, before the route does anything (the event stream before
 * it streams); a method a path's routes do not take is refused with 405 METHOD_NOT_ALLOWED and
 * the methods they take in {@code Allow}, whatever its body; a HEAD is answered as the GET with the
 * GET's Content-Length and no body (none for a streamed GET). After each, the experiments, the
 * trial, its artifacts and the tokens are as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryRouteTest {
    private static final String UNKNOWN = "tunelab_unknown";
    /** The GET routes whose body is written as it is made, in chunks, its length known to no one before the end. */
    private static final Set<String> STREAMED = Set.of("GET /api/experiments/{ref}/trials.{format}");

    private Path dir;
    private ApiServer server;
    private String admin;
    private HttpClient http;
    private long trialId;
    private String before;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("tunelab-query-walk");
        server = ApiServer.start(ServerConfig.of(dir, 0));
        admin = server.newAdminToken().orElseThrow();
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        try (var client = TunelabClient.connect(server.origin(), admin)) {
            client.launch(ExperimentSpec.builder("walk").minimize("loss").param("x", FloatParam.of(0, 1)).trials(50).build());
            TrialProposal t = client.ask("walk");
            trialId = t.id();
            Artifacts.of(client).upload(trialId, null, "a.txt", "kept".getBytes(StandardCharsets.UTF_8));
            client.createToken("reader", List.of("read"));
        }
        before = state();
    }

    @AfterAll
    void stop() throws IOException {
        http.close();
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void nothingChanged() throws Exception {
        assertThat(state()).isEqualTo(before);
    }

    /** Every declared route as "METHOD /path/{param}". */
    Stream<String> routes() {
        return server.queryParams().keySet().stream();
    }

    /** The routes that take at least one query parameter. */
    Stream<String> routesWithParameters() {
        return server.queryParams().entrySet().stream().filter(e -> !e.getValue().names().isEmpty()).map(Map.Entry::getKey);
    }

    /**
     * The router tries the trials' routes before the others (fewer patterns tried per tell), which
     * is safe only while no request's method and path match two routes: each route's path, with
     * a value in each parameter, matches that route's pattern alone among the routes of its method.
     */
    @Test
    void noRequestMatchesTwoRoutes() {
        Map<String, java.util.regex.Pattern> patterns = new TreeMap<>();
        server.queryParams().keySet().forEach(route ->
                patterns.put(route, java.util.regex.Pattern.compile(RouteTable.pattern(route.substring(route.indexOf(' ') + 1)))));
        assertThat(patterns).containsKeys("POST /api/trials/{id}/result", "GET /api/trials/{id}", "POST /api/experiments/{ref}/trials");
        patterns.keySet().forEach(route -> {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[A-Za-z0-9_]+}", "v1");
            assertThat(patterns.entrySet().stream().filter(e -> e.getKey().startsWith(method + " ") && e.getValue().matcher(path).matches())
                    .map(Map.Entry::getKey)).as(method + " " + path).containsExactly(route);
        });
    }

    @Test
    void everyRouteDeclaresItsQuery() {
        // The guards and fallbacks under a wildcard ("/api/*") end in "/" and are no operations.
        List<String> registered = server.routes().stream().filter(r -> !r.endsWith("/")).map(QueryParams::template).toList();
        assertThat(server.queryParams().keySet()).containsExactlyInAnyOrderElementsOf(registered)
                .contains("GET /api/events", "GET /api/trials/{id}/artifacts/{name}", "PUT /api/trials/{id}/model", "GET /health");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void anUnknownParameterIsRefusedNamingItAndTheKnownOnes(String route) throws Exception {
        QueryParams.Accepted accepted = server.queryParams().get(route);
        HttpResponse<String> r = send(route, UNKNOWN + "=1");
        if (accepted.browserPage()) {
            assertThat(r.statusCode()).as(route + ": a browser page takes any query").isLessThan(400);
            return;
        }
        assertThat(r.statusCode()).as(route + " " + r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> error = Json.read(r.body(), Map.class);
        assertThat(error.get("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat((String) error.get("message")).isEqualTo(accepted.names().isEmpty()
                ? route + " takes no query parameters, got \"" + UNKNOWN + "\""
                : "unknown query parameter \"" + UNKNOWN + "\" for " + route + "; known: " + String.join(", ", accepted.names()));
    }

    @ParameterizedTest
    @MethodSource("routesWithParameters")
    void aParameterGivenTwiceIsRefused(String route) throws Exception {
        String name = server.queryParams().get(route).names().getFirst();
        HttpResponse<String> r = send(route, name + "=1&" + name + "=1");
        assertThat(r.statusCode()).as(route + " " + r.body()).isEqualTo(400);
        assertThat(r.body()).contains("query parameter \\\"" + name + "\\\" of " + route + " is given 2 times");
    }

    /** Every declared path with the methods its routes take, as "/path/{param} GET,HEAD,POST" (HEAD wherever GET is). */
    Stream<String> paths() {
        var methods = new TreeMap<String, TreeSet<String>>();
        for (String route : server.queryParams().keySet()) {
            String method = route.substring(0, route.indexOf(' '));
            var taken = methods.computeIfAbsent(route.substring(route.indexOf(' ') + 1), p -> new TreeSet<>());
            taken.add(method);
            if (method.equals("GET")) {
                taken.add("HEAD");
            }
        }
        return methods.entrySet().stream().map(e -> e.getKey() + " " + String.join(",", e.getValue()));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void aMethodNoRouteOfThePathTakesIs405NamingThoseItTakes(String pathAndMethods) throws Exception {
        String template = pathAndMethods.substring(0, pathAndMethods.indexOf(' '));
        List<String> taken = List.of(pathAndMethods.substring(pathAndMethods.indexOf(' ') + 1).split(","));
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            if (taken.contains(method)) {
                continue;
            }
            // A body of a type no route reads: the method is what is wrong, not the body.
            HttpResponse<String> r = send(method + " " + template, null, "a=b");
            assertThat(r.statusCode()).as(method + " " + template + " " + r.body()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue(String.join(", ", taken));
            if (method.equals("HEAD")) {
                assertThat(r.body()).isEmpty();
                continue;
            }
            Map<String, Object> error = Json.read(r.body(), Map.class);
            assertThat(error.get("code")).isEqualTo("METHOD_NOT_ALLOWED");
            assertThat((String) error.get("message")).isEqualTo(path(template) + " takes " + String.join(", ", taken) + ", not " + method);
        }
    }

    /** The GET routes, as "GET /path/{param}". */
    Stream<String> getRoutes() {
        return routes().filter(route -> route.startsWith("GET "));
    }

    @ParameterizedTest
    @MethodSource("getRoutes")
    void headIsAnsweredAsGetWithoutTheBody(String route) throws Exception {
        String path = route.substring(route.indexOf(' ') + 1);
        HttpResponse<byte[]> get = route.equals("GET /api/events") ? null : send(route, null, null, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> head = send("HEAD " + path, null);
        assertThat(head.body()).as("HEAD " + path).isEmpty();
        if (get == null) {
            // The event stream: its headers, and no stream left open (the send above would time out).
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            assertThat(head.headers().firstValue("Content-Length")).isEmpty();
            return;
        }
        assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(get.statusCode());
        assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
        // The size a GET would send, where it knows it before it sends: a client learns a download's size from HEAD.
        if (STREAMED.contains(route)) {
            assertThat(get.headers().firstValue("Content-Length")).as("GET " + path + " is streamed").isEmpty();
            assertThat(head.headers().firstValue("Content-Length")).as("HEAD " + path).isEmpty();
        } else if (route.equals("GET /metrics")) {
            // The meters count the GET itself: each scrape has a length of its own.
            assertThat(head.headers().firstValueAsLong("Content-Length").orElse(0)).as("HEAD " + path).isPositive();
        } else {
            assertThat(get.headers().firstValueAsLong("Content-Length")).as("GET " + path).hasValue(get.body().length);
            assertThat(head.headers().firstValueAsLong("Content-Length")).as("HEAD " + path).hasValue(get.body().length);
        }
        // Unauthenticated, HEAD is refused as GET is.
        var anonymous = HttpRequest.newBuilder(URI.create(server.origin() + path(path))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        int status = http.send(anonymous, HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(status).as("HEAD " + path + " without a token").isEqualTo(route.equals("GET /health") || route.equals("GET /login") ? get.statusCode() : 401);
    }

    /** The web UI's files as a browser asks for them: the page (by its directory too), its style, a script, its icon, a webjar's file. */
    Stream<String> webFiles() {
        return Stream.of("/", "/index.html", "/app.css", "/js/app.js", "/favicon.svg", "/webjars/uplot/1.6.30/dist/uPlot.min.css");
    }

    @ParameterizedTest
    @MethodSource("webFiles")
    void headOfAWebFileIsAnsweredAsGetWithoutTheBody(String path) throws Exception {
        HttpResponse<byte[]> get = send("GET " + path, null, null, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> head = send("HEAD " + path, null);
        assertThat(get.statusCode()).as("GET " + path).isEqualTo(200);
        assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
        assertThat(head.body()).as("HEAD " + path).isEmpty();
        assertThat(get.headers().firstValue("Content-Type")).as("GET " + path).isPresent();
        assertThat(head.headers().firstValue("Content-Type")).as("HEAD " + path).isEqualTo(get.headers().firstValue("Content-Type"));
        assertThat(get.headers().firstValueAsLong("Content-Length")).as("GET " + path).hasValue(get.body().length);
        assertThat(head.headers().firstValueAsLong("Content-Length")).as("HEAD " + path).hasValue(get.body().length);
        // Read from the socket to its end: no byte of the file follows the headers.
        RawHttp.Reply raw = new RawHttp(server.port()).send("HEAD", path, Map.of(), (String) null);
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).as("HEAD " + path + " on the wire").isEmpty();
    }

    @Test
    void aClearTextHttp2UpgradeIsAnsweredInHttp11() throws Exception {
        // Over cleartext HTTP/2 a HEAD was answered with the GET's body; the server speaks HTTP/1.1 only.
        try (var h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            var request = HttpRequest.newBuilder(URI.create(server.origin() + "/api/experiments"))
                    .header("Authorization", "Bearer " + admin).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> r = h2.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void aPathNoRouteHasIs404WhateverItsBody() throws Exception {
        for (String path : List.of("/api/experiments/walk/nothing", "/api/nothing", "/nothing.html")) {
            HttpResponse<String> r = send("POST " + path, null, "a=b");
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(404);
            assertThat(r.headers().firstValue("Allow")).isEmpty();
            assertThat(r.body()).contains("NOT_FOUND", "POST " + path);
        }
        // A method a route takes, with a body it does not read, is still refused for its body.
        HttpResponse<String> r = send("POST /api/experiments/{ref}/pause", null, "a=b");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
    }

    /** The routes with a parameter that more of the path follows, each with that parameter left empty. */
    Stream<String> routesWithAnInnerParameterLeftEmpty() {
        return routes().flatMap(route -> {
            var emptied = new ArrayList<String>();
            for (int at = route.indexOf('{'); at >= 0; at = route.indexOf('{', at + 1)) {
                int end = route.indexOf('}', at) + 1;
                if (end < route.length() && route.charAt(end) == '/') {
                    emptied.add(route.substring(0, at) + route.substring(end));
                }
            }
            return emptied.stream();
        });
    }

    /**
     * The router drops a path's empty segments ({@code /api/trials//result} would be the trial
     * "result"): a path with one where a name or id belongs is refused, whatever the route it
     * would have matched would do.
     */
    @ParameterizedTest
    @MethodSource("routesWithAnInnerParameterLeftEmpty")
    void aPathWithAnEmptySegmentIs404NamingIt(String route) throws Exception {
        HttpResponse<String> r = send(route, null, "a=b");
        String path = route.substring(route.indexOf(' ') + 1);
        assertThat(r.statusCode()).as(route + " " + r.body()).isEqualTo(404);
        Map<String, Object> error = Json.read(r.body(), Map.class);
        assertThat(error.get("code")).isEqualTo("NOT_FOUND");
        assertThat((String) error.get("message")).isEqualTo("nothing at " + route.substring(0, route.indexOf(' ')) + " " + path(path)
                + ": the path has an empty segment (\"//\") where a name or id belongs");
    }

    @Test
    void slashesBeforeThePathAreTheBaseUrlsAndTakenAsOne() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.origin() + "//api/experiments"))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"walk\"");
    }

    @Test
    void aCallerWithoutATokenLearnsNoRoutesMethods() throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.origin() + path("/api/experiments/{ref}/pause"))).GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("Allow")).isEmpty();
    }

    private HttpResponse<String> send(String route, String query) throws Exception {
        return send(route, query, null);
    }

    /** {@code route} ("METHOD /path/{param}") with {@code query} and, when not null, {@code body} as text/plain. */
    private HttpResponse<String> send(String route, String query, String body) throws Exception {
        return send(route, query, body, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(String route, String query, String body, HttpResponse.BodyHandler<T> read) throws Exception {
        String method = route.substring(0, route.indexOf(' '));
        String path = path(route.substring(route.indexOf(' ') + 1));
        var request = HttpRequest.newBuilder(URI.create(server.origin() + path + (query == null ? "" : "?" + query)))
                .header("Authorization", "Bearer " + admin)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        // A stream that started would never end: the wait fails the test instead of hanging it.
        return http.sendAsync(request.build(), read).get(10, TimeUnit.SECONDS);
    }

    /** A documented path with this fixture's experiment, trial, artifact or token in place of its parameters. */
    private String path(String template) {
        return template.replace("{ref}", "walk").replace("{id}", Long.toString(trialId)).replace("{format}", "csv")
                .replace("{name}", template.contains("/tokens/") ? "reader" : "a.txt");
    }

    /** What a refused request must not change: the experiments, the trial, its artifacts, the tokens. */
    private String state() throws Exception {
        var out = new StringBuilder();
        for (String path : List.of("/api/experiments", "/api/trials/" + trialId, "/api/trials/" + trialId + "/artifacts", "/api/tokens")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.origin() + path))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
            out.append(path).append(' ').append(r.statusCode()).append(' ').append(r.body()).append('\n');
        }
        return out.toString();
    }
}
