package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded fuzzer: thousands of malformed requests over every route, with a valid admin token,
 * so each reaches its handler. None may make the server fail (5xx), and every refusal must be
 * the one JSON error body {@code {code, message}}.
 */
class HttpFuzzTest {
    static final int REQUESTS = 2_000;
    static final List<String> ROUTES = List.of(
            "POST /api/experiments", "GET /api/experiments", "GET /api/experiments/{ref}", "POST /api/experiments/{ref}/trials",
            "GET /api/experiments/{ref}/trials", "GET /api/experiments/{ref}/leaderboard", "GET /api/experiments/{ref}/pareto",
            "GET /api/experiments/{ref}/history", "GET /api/experiments/{ref}/curves", "GET /api/experiments/{ref}/data-report",
            "PUT /api/experiments/{ref}/data-report", "POST /api/experiments/{ref}/pause", "POST /api/experiments/{ref}/resume",
            "POST /api/experiments/{ref}/stop", "GET /api/trials/{id}", "POST /api/trials/{id}/reports", "POST /api/trials/{id}/result",
            "POST /api/trials/{id}/suggest", "POST /api/trials/{id}/heartbeat", "POST /api/trials/{id}/release",
            "PUT /api/trials/{id}/model", "GET /api/trials/{id}/model", "POST /api/leases", "GET /api/openapi.yaml",
            "GET /api/session", "POST /api/session", "GET /api/tokens", "POST /api/tokens", "DELETE /api/tokens/{name}",
            "GET /metrics", "GET /health", "GET /", "GET /login", "DELETE /api/session",
            "GET /api/experiments/{ref}/trials.csv", "GET /api/experiments/{ref}/trials.json", "GET /api/experiments/{ref}/ranking",
            "POST /api/experiments/{ref}/finalize", "POST /api/experiments/{ref}/trials/batch", "GET /api/experiments/{ref}/finalization", "POST /api/trials/{id}/test",
            "PATCH /api/experiments/{ref}", "DELETE /api/experiments/{ref}", "POST /api/experiments/{ref}/clone",
            "GET /api/trials/{id}/artifacts", "GET /api/trials/{id}/artifacts/{name}", "PUT /api/trials/{id}/artifacts/{name}",
            "GET /api/experiments/{ref}/importance",
            "POST /api/experiments/{ref}/trials/enqueue", "GET /api/experiments/{ref}/trials/queue", "POST /api/experiments/{ref}/trials/import");
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW");
    static final List<String> TYPES = List.of("application/json", "application/yaml", "application/json; charset=utf-8",
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "text/csv", "");

    @Test
    void malformedRequestsOverEveryRouteNeverFailTheServerAndAlwaysAnswerTheErrorBody(@TempDir Path dir) throws Exception {
        try (ApiServer server = ApiServer.start(ServerConfig.of(dir, 0))) {
            String admin = server.newAdminToken().orElseThrow();
            var ids = new ArrayList<String>(List.of("0", "-1", "999999999999", "9223372036854775808", "abc", "1.5", "%00", "%2e%2e"));
            try (var client = TunelabClient.connect(server.origin(), admin)) {
                client.launch(ExperimentSpec.builder("fuzz").minimize("loss").param("x", FloatParam.of(0, 1)).trials(100_000).build());
                for (int i = 0; i < 3; i++) {
                    TrialProposal t = client.askLeased("fuzz");
                    ids.add(Long.toString(t.id()));
                }
            }
            var raw = new RawHttp(server.port());
            var random = new SplittableRandom(20_260_301L);
            var failures = new ArrayList<String>();
            for (int i = 0; i < REQUESTS; i++) {
                String route = ROUTES.get(random.nextInt(ROUTES.size()));
                String method = random.nextInt(4) == 0 ? pick(random, METHODS) : route.substring(0, route.indexOf(' '));
                String path = fill(route.substring(route.indexOf(' ') + 1), random, ids) + query(random);
                if (path.startsWith("/api/events")) {
                    continue;
                }
                var headers = new LinkedHashMap<String, String>();
                headers.put("Authorization", "Bearer " + admin);
                String type = pick(random, TYPES);
                if (!type.isEmpty()) {
                    headers.put("Content-Type", type);
                }
                if (random.nextInt(8) == 0) {
                    headers.put(pick(random, List.of("Origin", "X-Tunelab-CSRF", "Cookie", "Accept", "X-Forwarded-For")),
                            pick(random, List.of("http://127.0.0.1:" + server.port(), "tunelab_session=forged", "*/*", "\u00e9\u00e9")));
                }
                byte[] body = method.equals("GET") && random.nextInt(3) > 0 ? null : body(random, ids);
                RawHttp.Reply reply = raw.send(method, path, headers, body);
                String what = method + " " + path + " [" + type + "] " + (body == null ? "" : abbreviated(new String(body, StandardCharsets.UTF_8))) + " -> " + reply.status() + " " + reply.body();
                if (reply.status() >= 500) {
                    failures.add(what);
                } else if (reply.status() >= 400 && !method.equals("HEAD")) {
                    try {
                        Map<String, Object> error = Json.read(reply.body(), Map.class);
                        if (!(error.get("code") instanceof String) || !(error.get("message") instanceof String)
                                || ((String) error.get("message")).contains("Exception")) {
                            failures.add("not the error body: " + what);
                        }
                    } catch (RuntimeException e) {
                        failures.add("not JSON: " + what);
                    }
                }
            }
            assertThat(failures).as("requests the server failed or answered without the error body").isEmpty();
        }
    }

    private static String fill(String template, SplittableRandom random, List<String> ids) {
        String ref = pick(random, List.of("fuzz", "ghost", "%3Cimg%3E", "a%2Fb", "x".repeat(300), "%F0%9F%92%A5", "1"));
        return template.replace("{ref}", ref).replace("{id}", pick(random, ids))
                .replace("{name}", pick(random, List.of("ghost", "gpu", "x".repeat(100), "%20")));
    }

    private static String query(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0 -> "?limit=" + pick(random, List.of("-5", "0", "abc", "99999999999", "1e9"));
            case 1 -> "?offset=-1&sort=" + pick(random, List.of("param:", "metric:ghost", "value", "nonsense", "param:x"))
                    + "&order=" + pick(random, List.of("asc", "sideways")) + "&state=" + pick(random, List.of("RUNNING", "done"));
            case 2 -> "?leaseId=" + pick(random, List.of("", "guess", "%00"));
            // Unknown, repeated, nameless and badly encoded parameters: refused with the error body.
            case 3 -> "?" + pick(random, List.of("limt=5", "limit=1&limit=2", "=5", "limit=%zz", "%G0=1", "tag", "x=%", "&&", "a=1&a"));
            default -> "";
        };
    }

    private static byte[] body(SplittableRandom random, List<String> ids) {
        String text = switch (random.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[1, 2, 3]";
            case 3 -> "null";
            case 4 -> "{\"name\": 5, \"objective\": [], \"space\": \"x\"}";
            case 5 -> "{\"step\": " + pick(random, List.of("-1", "1e400", "\"x\"", "null", "2147483648")) + ", \"values\": {\"loss\": "
                    + pick(random, List.of("\"NaN\"", "1e999", "null", "0.5", "[]")) + "}}";
            case 6 -> "{\"state\": \"" + pick(random, List.of("COMPLETE", "RUNNING", "BOGUS")) + "\", \"values\": {\"loss\": 0.1}, "
                    + "\"leaseId\": \"guess\"}";
            case 7 -> "{\"leaseId\": " + pick(random, List.of("null", "1", "\"x\"")) + "}";
            case 8 -> "{\"worker\": \"fuzz\", \"waitSeconds\": " + pick(random, List.of("0", "-3", "61", "\"soon\"")) + "}";
            case 9 -> "{\"name\": \"p" + random.nextInt(1000) + "\", \"param\": {\"type\": \""
                    + pick(random, List.of("float", "int", "categorical", "tensor")) + "\", \"low\": 1, \"high\": 0}}";
            case 10 -> "{\"budget\": {\"trials\": " + pick(random, List.of("-1", "0", "1e12", "\"many\"")) + "}}";
            case 11 -> "a: &a [*a, *a]\nb: [*a, *a, *a]";
            case 12 -> "[".repeat(5_000) + "]".repeat(5_000);
            case 13 -> "{\"name\": \"t" + random.nextInt(1_000_000) + "\", \"scopes\": [\"" + pick(random, List.of("read", "root", "")) + "\"]}";
            case 14 -> "{\"usable\": " + pick(random, List.of("true", "\"yes\"", "false")) + ", \"problems\": [1, {}]}";
            default -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield new String(bytes, StandardCharsets.ISO_8859_1);
            }
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviated(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }

    private static <T> T pick(SplittableRandom random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
