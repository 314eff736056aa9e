package io.tunelab.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading the OpenAPI document for the tests that hold the server to it: its YAML as the JSON
 * Vert.x's OpenAPI module wants, its operations, the query parameters and response statuses each
 * documents, and the media types Vert.x cannot validate.
 */
final class OpenApiDocument {
    private OpenApiDocument() {
    }

    /** YAML's values as Vert.x's JSON wants them (the document's keys are strings, its status codes too). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalise(Map<?, ?> yaml) {
        return (Map<String, Object>) normaliseValue(yaml);
    }

    /** Every operation by its id, as "METHOD /path". */
    @SuppressWarnings("unchecked")
    static void collectOperations(Map<String, Object> document, Map<String, String> into) {
        ((Map<String, Object>) document.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).forEach((method, op) -> {
            if (op instanceof Map<?, ?> operation && operation.get("operationId") instanceof String id) {
                assertThat(into.put(id, method.toUpperCase(java.util.Locale.ROOT) + " " + path)).as("operationId " + id + " is unique").isNull();
            }
        }));
    }

    /**
     * The query parameters each operation documents, by "METHOD /path": the path item's and the
     * operation's own, a {@code $ref} to the document's parameters followed. Read before
     * {@link #collectOtherMediaTypes} changes the document.
     */
    @SuppressWarnings("unchecked")
    static void collectQueryParameters(Map<String, Object> document, Map<String, Set<String>> into) {
        var shared = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("parameters");
        ((Map<String, Object>) document.get("paths")).forEach((path, item) -> {
            var pathItem = (Map<String, Object>) item;
            Set<String> common = queryNames(pathItem.get("parameters"), shared);
            pathItem.forEach((method, op) -> {
                if (op instanceof Map<?, ?> operation && operation.containsKey("operationId")) {
                    var names = new java.util.TreeSet<>(common);
                    names.addAll(queryNames(operation.get("parameters"), shared));
                    into.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, names);
                }
            });
        });
    }

    /** The response statuses each operation documents, by "METHOD /path". */
    @SuppressWarnings("unchecked")
    static void collectStatuses(Map<String, Object> document, Map<String, Set<String>> into) {
        ((Map<String, Object>) document.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).forEach((method, op) -> {
            if (op instanceof Map<?, ?> operation && operation.get("responses") instanceof Map<?, ?> responses) {
                var statuses = new java.util.TreeSet<String>();
                responses.keySet().forEach(status -> statuses.add(String.valueOf(status)));
                into.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, statuses);
            }
        }));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> queryNames(Object parameters, Map<String, Object> shared) {
        var names = new java.util.TreeSet<String>();
        if (parameters instanceof List<?> list) {
            for (Object p : list) {
                var parameter = (Map<String, Object>) p;
                if (parameter.get("$ref") instanceof String ref) {
                    parameter = (Map<String, Object>) shared.get(ref.substring(ref.lastIndexOf('/') + 1));
                }
                if ("query".equals(parameter.get("in"))) {
                    names.add((String) parameter.get("name"));
                }
            }
        }
        return names;
    }

    /** Takes the media types Vert.x cannot validate out of every response, noting them by operation and status. */
    @SuppressWarnings("unchecked")
    static void collectOtherMediaTypes(Map<String, Object> document, Map<String, Set<String>> into) {
        var paths = (Map<String, Object>) document.get("paths");
        for (Object item : paths.values()) {
            for (Object operation : ((Map<String, Object>) item).values()) {
                if (!(operation instanceof Map<?, ?> op) || !op.containsKey("operationId")) {
                    continue;
                }
                // Vert.x reads no CSV request body (an import's): its copy of such an operation takes none.
                if (op.get("requestBody") instanceof Map<?, ?> body && body.get("content") instanceof Map<?, ?> types
                        && types.keySet().stream().allMatch(type -> ((String) type).startsWith("text/"))) {
                    ((Map<String, Object>) operation).remove("requestBody");
                }
                var responses = (Map<String, Object>) op.get("responses");
                responses.forEach((status, response) -> {
                    var content = (Map<String, Object>) ((Map<String, Object>) response).get("content");
                    if (content == null) {
                        return;
                    }
                    for (String type : List.copyOf(content.keySet())) {
                        if (!type.startsWith("application/json")) {
                            into.computeIfAbsent(op.get("operationId") + " " + status, k -> new java.util.HashSet<>()).add(type);
                            content.remove(type);
                        }
                    }
                    if (content.isEmpty()) {
                        ((Map<String, Object>) response).remove("content");
                    }
                });
                var body = (Map<String, Object>) op.get("requestBody");
                if (body != null) {
                    ((Map<String, Object>) body.get("content")).keySet().removeIf(t -> !io.vertx.openapi.contract.MediaType.isMediaTypeSupported(t));
                }
            }
        }
    }

    private static Object normaliseValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            var out = new java.util.LinkedHashMap<String, Object>();
            map.forEach((k, v) -> out.put(String.valueOf(k), normaliseValue(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(OpenApiDocument::normaliseValue).toList());
        }
        return value;
    }
}
