package io.tunelab.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.storage.Durability;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against a real server on a real port: every route the server answers is
 * documented and every documented operation is routed; the document is a valid OpenAPI 3.0
 * contract (checked by Vert.x's own OpenAPI module when it loads it); and every operation has an
 * example here whose JSON request body matches its request schema and whose real reply (status,
 * content type and body) matches the responses it documents.
 */
class OpenApiContractTest {
    private static Vertx vertx;
    private static OpenAPIContract contract;
    /** "operationId status" → the media types it declares that Vert.x does not validate (taken out of its copy). */
    private static final Map<String, Set<String>> otherMediaTypes = new java.util.HashMap<>();
    /** operationId → "METHOD /path/{param}" as the document names it. */
    private static final Map<String, String> documented = new java.util.TreeMap<>();
    /** "METHOD /path/{param}" → the names of the query parameters the document lists for it. */
    private static final Map<String, Set<String>> documentedQuery = new java.util.TreeMap<>();
    /** "METHOD /path/{param}" → the response statuses the document lists for it. */
    private static final Map<String, Set<String>> documentedStatuses = new java.util.TreeMap<>();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Set<String> exercised = new LinkedHashSet<>();
    private final List<String> failures = new ArrayList<>();
    private ApiServer server;
    private String token;

    @BeforeAll
    static void loadTheDocument() throws Exception {
        vertx = Vertx.vertx();
        try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.yaml")) {
            Map<?, ?> document = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
            Map<String, Object> json = OpenApiDocument.normalise(document);
            // Vert.x validates JSON bodies against their schemas; the YAML, CSV, text, binary and
            // event-stream replies the document declares are checked by status and content type.
            OpenApiDocument.collectOtherMediaTypes(json, otherMediaTypes);
            OpenApiDocument.collectOperations(json, documented);
            OpenApiDocument.collectQueryParameters(json, documentedQuery);
            OpenApiDocument.collectStatuses(json, documentedStatuses);
            // Vert.x wants a parameter to fill a whole path segment; "trials.{format}" is legal
            // OpenAPI, so only Vert.x's copy names it as a segment of its own.
            @SuppressWarnings("unchecked")
            var paths = (Map<String, Object>) json.get("paths");
            for (String path : List.copyOf(paths.keySet())) {
                if (path.matches(".*[^/]\\{[^}]+}.*")) {
                    paths.put(path.replaceAll("([^/])\\{([^}]+)}", "$1/{$2}"), paths.remove(path));
                }
            }
            contract = OpenAPIContract.from(vertx, new JsonObject(json)).toCompletionStage().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void closeVertx() {
        vertx.close();
    }

    private ApiServer start() {
        server = ApiServer.start(new ServerConfig("127.0.0.1", 0, dataDir, Durability.PROCESS,
                new CoordinatorConfig(Duration.ofSeconds(60), 3, Duration.ofSeconds(1))));
        return server;
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
        Set<String> routed = new TreeSet<>();
        try (ApiServer s = start()) {
            for (String route : s.routes()) {
                // Routes ending in "/" are the guards and fallbacks under a wildcard ("/api/*"), not operations.
                if (!route.endsWith("/")) {
                    routed.add(route);
                }
            }
        }
        Set<String> operations = new TreeSet<>();
        documented.values().forEach(o -> operations.add(o.replaceAll("\\{([^}]+)}", ":$1")));
        assertThat(routed).as("routed but not documented").isSubsetOf(operations);
        assertThat(operations).as("documented but not routed").isSubsetOf(routed);
        assertThat(contract.operations()).as("Vert.x read every operation").hasSize(documented.size());
    }

    @Test
    void everyOperationTakesExactlyTheQueryParametersTheDocumentListsAndDocumentsItsRefusal() {
        Map<String, QueryParams.Accepted> declared;
        try (ApiServer s = start()) {
            declared = s.queryParams();
        }
        List<String> differences = new ArrayList<>();
        documented.forEach((id, operation) -> {
            QueryParams.Accepted accepted = declared.get(operation);
            Set<String> listed = documentedQuery.get(operation);
            if (accepted == null) {
                differences.add(operation + " (" + id + "): its route declares no query parameters (QueryParams.takes)");
            } else if (accepted.browserPage()) {
                if (!listed.isEmpty()) {
                    differences.add(operation + ": a browser page, whose query is not checked, documents " + listed);
                }
            } else {
                if (!listed.equals(new TreeSet<>(accepted.names()))) {
                    differences.add(operation + ": the route takes " + accepted.names() + ", the document lists " + listed);
                }
                if (!documentedStatuses.get(operation).contains("400")) {
                    differences.add(operation + ": refuses an unknown query parameter with 400, which the document does not list");
                }
            }
        });
        assertThat(declared.keySet()).as("routes declaring their query that the document lacks").isSubsetOf(documented.values());
        assertThat(differences).as("operations whose accepted query differs between the code and the document").isEmpty();
    }

    @Test
    void everyOperationHasAnExampleWhoseRequestAndReplyMatchTheDocument() throws Exception {
        try (ApiServer s = start()) {
            token = Files.readString(dataDir.resolve(ApiServer.ADMIN_TOKEN_FILE)).strip();
            runExamples();
        }
        Set<String> missing = new TreeSet<>();
        for (String operationId : documented.keySet()) {
            if (!exercised.contains(operationId)) {
                missing.add(operationId);
            }
        }
        assertThat(missing).as("documented operations without an example in this test").isEmpty();
        assertThat(failures).as("examples that do not match the document").isEmpty();
    }

    private void runExamples() throws Exception {
        call("health", "GET", "/health", null, null);
        call("metrics", "GET", "/metrics", null, null);
        call("loginPage", "GET", "/login", null, null);
        call("whoAmI", "GET", "/api/session", null, null);
        call("login", "POST", "/api/session", "application/json", new JsonObject().put("token", token).encode());
        call("logout", "DELETE", "/api/session", null, null);
        call("listTokens", "GET", "/api/tokens", null, null);
        call("createToken", "POST", "/api/tokens", "application/json", "{\"name\": \"reader\", \"scopes\": [\"read\"]}");
        call("revokeToken", "DELETE", "/api/tokens/reader", null, null);
        call("revokeToken", "DELETE", "/api/tokens/nobody", null, null);
        call("openApi", "GET", "/api/openapi.yaml", null, null);
        call("health", "GET", "/health?verbose=true", null, null);
        call("openApi", "GET", "/api/openapi.yaml?v=2", null, null);
        events();

        call("createExperiment", "POST", "/api/experiments", "application/json", """
                {"name": "contract", "objective": {"metric": "loss", "direction": "minimize"},
                 "space": {"x": {"type": "float", "low": 0, "high": 1}, "k": {"type": "int", "low": 1, "high": 4}},
                 "strategy": {"name": "random", "seed": 5}, "budget": {"trials": 3}}
                """);
        call("createExperiment", "POST", "/api/experiments", "application/yaml", """
                name: contract-held
                objective: {metric: accuracy, direction: maximize}
                space: {x: {type: float, low: 0, high: 1}}
                strategy: {name: random, seed: 3}
                budget: {trials: 1}
                task: {dataset: {name: iris, test: 0.2, validation: {folds: 3}}}
                """);
        call("createExperiment", "POST", "/api/experiments", "application/json", "{\"name\": \"contract\"}");
        call("createExperiment", "POST", "/api/experiments", "text/plain", "name: x");
        call("listExperiments", "GET", "/api/experiments", null, null);
        call("getExperiment", "GET", "/api/experiments/contract", null, null);
        call("getExperiment", "GET", "/api/experiments/nothing-here", null, null);

        JsonObject asked = call("ask", "POST", "/api/experiments/contract/trials", "application/json", "{\"lease\": true}");
        long id = asked.getLong("id");
        String lease = "{\"leaseId\": \"" + asked.getString("leaseId") + "\"}";
        call("listTrials", "GET", "/api/experiments/contract/trials?limit=5&sort=number&order=desc", null, null);
        call("listTrials", "GET", "/api/experiments/contract/trials?limit=0", null, null);
        call("listTrials", "GET", "/api/experiments/contract/trials?limt=5", null, null);
        call("listTrials", "GET", "/api/experiments/contract/trials?limit=1&limit=2", null, null);
        call("ask", "POST", "/api/experiments/contract/trials?count=2", "application/json", "{\"lease\": true}");
        call("report", "POST", "/api/trials/" + id + "/reports", "application/json", "{\"step\": 1, \"values\": {\"loss\": 0.7}}");
        call("suggest", "POST", "/api/trials/" + id + "/suggest", "application/json",
                "{\"name\": \"extra\", \"param\": {\"type\": \"categorical\", \"choices\": [\"a\", \"b\"]}}");
        call("heartbeat", "POST", "/api/trials/" + id + "/heartbeat", "application/json", lease);
        call("uploadArtifact", "PUT", "/api/trials/" + id + "/artifacts/curve.csv?leaseId=" + asked.getString("leaseId"),
                "application/octet-stream", "epoch,loss\n1,0.7\n");
        call("uploadArtifact", "PUT", "/api/trials/" + id + "/artifacts/..%2Fescape", "application/octet-stream", "x");
        call("listArtifacts", "GET", "/api/trials/" + id + "/artifacts", null, null);
        call("downloadArtifact", "GET", "/api/trials/" + id + "/artifacts/curve.csv", null, null);
        call("downloadArtifact", "GET", "/api/trials/" + id + "/artifacts/missing.txt", null, null);
        call("uploadModel", "PUT", "/api/trials/" + id + "/model?leaseId=" + asked.getString("leaseId"), "application/octet-stream", "model bytes");
        call("tell", "POST", "/api/trials/" + id + "/result", "application/json",
                new JsonObject(lease).put("state", "COMPLETE").put("values", new JsonObject().put("loss", 0.25)).encode());
        call("tell", "POST", "/api/trials/" + id + "/result", "application/json", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.3}}");
        call("downloadModel", "GET", "/api/trials/" + id + "/model", null, null);
        call("getTrial", "GET", "/api/trials/" + id, null, null);
        call("getTrial", "GET", "/api/trials/999999", null, null);
        call("testResult", "POST", "/api/trials/" + id + "/test", "application/json", "{\"values\": {\"loss\": 0.31}}");
        call("askBatch", "POST", "/api/experiments/contract/trials/batch", "application/json", "{\"count\": 0}");
        JsonObject second = call("ask", "POST", "/api/experiments/contract/trials", "application/json", "{\"lease\": true}");
        call("release", "POST", "/api/trials/" + second.getLong("id") + "/release", "application/json",
                "{\"leaseId\": \"" + second.getString("leaseId") + "\"}");
        call("exportTrials", "GET", "/api/experiments/contract/trials.csv", null, null);
        call("exportTrials", "GET", "/api/experiments/contract/trials.json", null, null);
        call("leaderboard", "GET", "/api/experiments/contract/leaderboard", null, null);
        call("ranking", "GET", "/api/experiments/contract/ranking", null, null);
        call("pareto", "GET", "/api/experiments/contract/pareto", null, null);
        call("history", "GET", "/api/experiments/contract/history", null, null);
        call("importance", "GET", "/api/experiments/contract/importance", null, null);
        call("importance", "GET", "/api/experiments/contract/importance?objective=3", null, null);
        call("curves", "GET", "/api/experiments/contract/curves", null, null);
        call("pause", "POST", "/api/experiments/contract/pause", null, null);
        call("pause", "POST", "/api/experiments/contract/pause", null, null);
        call("resume", "POST", "/api/experiments/contract/resume", "application/json", "{\"budget\": {\"trials\": 6}}");
        call("askBatch", "POST", "/api/experiments/contract/trials/batch", "application/json", "{\"count\": 2}");
        JsonObject asked3 = call("ask", "POST", "/api/experiments/contract/trials", null, null);
        call("tell", "POST", "/api/trials/" + asked3.getLong("id") + "/result", "application/json",
                "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.2}, \"next\": true}");
        call("tell", "POST", "/api/trials/" + asked3.getLong("id") + "/result", "application/json", "{\"state\": \"COMPLETE\", \"next\": 3}");
        call("stop", "POST", "/api/experiments/contract/stop", null, null);
        call("ask", "POST", "/api/experiments/contract/trials", null, null);
        call("updateExperiment", "PATCH", "/api/experiments/contract", "application/json",
                "{\"addTags\": [\"nightly\"], \"notes\": \"checked by the contract test\", \"archived\": true}");
        call("updateExperiment", "PATCH", "/api/experiments/contract", "application/json", "{\"archived\": \"yes\"}");
        call("listExperiments", "GET", "/api/experiments?tag=nightly&archived=true", null, null);
        call("cloneExperiment", "POST", "/api/experiments/contract/clone", "application/json", "{\"name\": \"contract-copy\"}");
        call("cloneExperiment", "POST", "/api/experiments/contract/clone", "application/json", "{\"name\": \"contract-copy\"}");
        call("deleteExperiment", "DELETE", "/api/experiments/contract-copy", null, null);
        call("stop", "POST", "/api/experiments/contract-copy/stop", null, null);
        call("deleteExperiment", "DELETE", "/api/experiments/contract-copy", null, null);

        call("putDataReport", "PUT", "/api/experiments/contract-held/data-report", "application/json",
                "{\"usable\": true, \"rows\": 150, \"warnings\": []}");
        call("createExperiment", "POST", "/api/experiments", "application/json", "{\"name\": \"contract-data\", "
                + "\"objective\": {\"metric\": \"loss\"}, \"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}}");
        JsonObject preparing = call("ask", "POST", "/api/experiments/contract-data/trials", "application/json", "{\"lease\": true}");
        call("putDataReport", "PUT", "/api/experiments/contract-data/data-report?leaseId=" + preparing.getString("leaseId"),
                "application/json", "{\"usable\": true, \"rows\": 150, \"warnings\": []}");
        call("dataReport", "GET", "/api/experiments/contract-data/data-report", null, null);
        call("dataReport", "GET", "/api/experiments/contract-held/data-report", null, null);
        call("dataReport", "GET", "/api/experiments/contract/data-report", null, null);
        JsonObject held = call("ask", "POST", "/api/experiments/contract-held/trials", null, null);
        call("tell", "POST", "/api/trials/" + held.getLong("id") + "/result", "application/json", ApiServerTest.folds(0.9, 0.92, 0.91, 4));
        call("finalization", "GET", "/api/experiments/contract-held/finalization", null, null);
        call("finalizeWinner", "POST", "/api/experiments/contract-held/finalize", null, null);
        call("finalizeWinner", "POST", "/api/experiments/contract/finalize", null, null);
        call("downloadFinalizationModel", "GET", "/api/experiments/contract-held/finalization/model", null, null);
        call("downloadFinalizationModel", "GET", "/api/experiments/contract/finalization/model", null, null);
        JsonObject refit = call("lease", "POST", "/api/leases", "application/json", "{\"worker\": \"w:1\", \"waitSeconds\": 0}");
        assertThat(refit.containsKey("finalization")).as("the finalization's lease: " + refit.encode()).isTrue();
        call("uploadModel", "PUT", "/api/trials/" + refit.getJsonObject("trial").getLong("id") + "/model?leaseId="
                + refit.getString("leaseId"), "application/octet-stream", "refit model bytes");
        assertThat(call("finalization", "GET", "/api/experiments/contract-held/finalization", null, null).getLong("modelBytes"))
                .isEqualTo(17);
        call("downloadFinalizationModel", "GET", "/api/experiments/contract-held/finalization/model", null, null);
        call("lease", "POST", "/api/leases", "application/json", "{\"worker\": \"w:1\", \"waitSeconds\": 0}");
        call("lease", "POST", "/api/leases", "application/json", "{\"waitSeconds\": 99}");

        // Constraints: the spec field, and a feasible and an infeasible trial on the leaderboard and as trials.
        call("createExperiment", "POST", "/api/experiments", "application/json", "{\"name\": \"contract-constrained\", "
                + "\"objective\": {\"metric\": \"loss\"}, \"constraints\": [{\"metric\": \"latency_ms\", \"max\": 20}]}");
        for (double latency : new double[]{12, 30}) {
            JsonObject c = call("ask", "POST", "/api/experiments/contract-constrained/trials", null, null);
            call("tell", "POST", "/api/trials/" + c.getLong("id") + "/result", "application/json",
                    "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.2, \"latency_ms\": " + latency + "}}");
            call("getTrial", "GET", "/api/trials/" + c.getLong("id"), null, null);
        }
        call("leaderboard", "GET", "/api/experiments/contract-constrained/leaderboard", null, null);
        call("ranking", "GET", "/api/experiments/contract-constrained/ranking", null, null);
        call("createExperiment", "POST", "/api/experiments", "application/json", """
                {"name": "contract-warm", "objective": {"metric": "loss", "direction": "minimize"},
                 "space": {"x": {"type": "float", "low": 0, "high": 1}}, "warm_start": {"from": "contract", "top": 2}}
                """);
        call("enqueueTrial", "POST", "/api/experiments/contract-warm/trials/enqueue", "application/json", "{\"params\": {\"x\": 0.5}}");
        call("enqueueTrial", "POST", "/api/experiments/contract-warm/trials/enqueue", "application/json", "{\"params\": {\"x\": 2}}");
        call("listQueuedTrials", "GET", "/api/experiments/contract-warm/trials/queue", null, null);
        call("importTrials", "POST", "/api/experiments/contract-warm/trials/import", "text/csv", "params_x,values_loss,state\r\n0.25,0.5,COMPLETE\r\n");
        call("importTrials", "POST", "/api/experiments/contract-warm/trials/import", "text/csv", "params_x,values_loss\r\n7,0.5\r\n");
    }

    /** The event stream never ends: its status and content type are checked, the body is not waited for. */
    private void events() throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.origin() + "/api/events")).header("Authorization", "Bearer " + token).build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        exercised.add("events");
        validateReply("events", "GET /api/events", r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), new byte[0]);
    }

    /** Sends one example, checks its JSON request body against the request schema and its reply against the responses. */
    private JsonObject call(String operationId, String method, String path, String contentType, String body) throws Exception {
        Operation operation = contract.operation(operationId);
        assertThat(operation).as("operation " + operationId + " is documented").isNotNull();
        String route = Pattern.quote(documented.get(operationId).replaceAll("^\\S+ ", "")).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
        assertThat(path.replaceAll("\\?.*", "")).as(operationId + " answers " + path).matches(route);
        exercised.add(operationId);
        String refusedBody = null;
        if ("application/json".equals(contentType) && body != null && operation.getRequestBody() != null
                && operation.getRequestBody().getContent().get("application/json") != null) {
            try {
                Object json = body.strip().startsWith("[") ? new JsonArray(body) : new JsonObject(body);
                contract.getSchemaRepository().validator(operation.getRequestBody().getContent().get("application/json").getSchema())
                        .validate(json).checkValidity();
            } catch (Exception e) {
                refusedBody = e.getMessage();
            }
        }
        var builder = HttpRequest.newBuilder(URI.create(server.origin() + path)).header("Authorization", "Bearer " + token);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        String replyType = r.headers().firstValue("Content-Type").orElse("");
        validateReply(operationId, method + " " + path, r.statusCode(), replyType, r.body());
        if (refusedBody != null && r.statusCode() < 400) {
            failures.add(method + " " + path + ": the server accepted (" + r.statusCode() + ") a body its request schema refuses: " + refusedBody);
        }
        return replyType.startsWith("application/json") && r.body().length > 0 && r.body()[0] == '{'
                ? new JsonObject(Buffer.buffer(r.body())) : new JsonObject();
    }

    private void validateReply(String operationId, String request, int status, String contentType, byte[] body) {
        String mediaType = contentType.replaceAll(";.*", "").strip();
        Set<String> others = otherMediaTypes.getOrDefault(operationId + " " + status, Set.of());
        boolean other = others.contains(mediaType);
        if (!other && !mediaType.isEmpty() && !mediaType.startsWith("application/json")) {
            failures.add(request + " → " + status + ": replied " + contentType + ", which the document does not declare");
            return;
        }
        if (other) {
            // Declared for this status; Vert.x has no parser for its body, so the type is what is checked.
            return;
        }
        var response = contentType.isEmpty() ? ValidatableResponse.create(status)
                : ValidatableResponse.create(status, Buffer.buffer(body), contentType);
        try {
            ResponseValidator.create(vertx, contract).validate(response, operationId).toCompletionStage().toCompletableFuture().join();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String shown = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            failures.add(request + " → " + status + " " + contentType + ": " + cause.getMessage() + " in "
                    + (shown.length() > 300 ? shown.substring(0, 300) + "…" : shown));
        }
    }
}
