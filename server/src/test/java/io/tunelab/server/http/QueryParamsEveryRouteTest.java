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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route in the server's declared table, over HTTP with the admin token (which holds every
 * scope): a query parameter it does not take, and one it takes given twice, are refused with 400
 * INVALID_ARGUMENT naming the parameter, before the route does anything (the event stream before
 * it streams); the experiments, the trial, its artifacts and the tokens are as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryParamsEveryRouteTest {
    private static final String UNKNOWN = "tunelab_unknown";

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

    private HttpResponse<String> send(String route, String query) throws Exception {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1).replace("{ref}", "walk").replace("{id}", Long.toString(trialId))
                .replace("{format}", "csv").replace("{name}", route.contains("/tokens/") ? "reader" : "a.txt");
        var request = HttpRequest.newBuilder(URI.create(server.origin() + path + "?" + query))
                .header("Authorization", "Bearer " + admin).method(method, HttpRequest.BodyPublishers.noBody());
        // A stream that started would never end: the wait fails the test instead of hanging it.
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
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
