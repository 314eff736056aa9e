package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tunelab.api.ErrorBody;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the client reads a server's replies: a JSON body as the type asked for, an error body as the
 * {@link TunelabException} of its code. A reply that is not Tunelab's JSON (a proxy's page, say)
 * becomes an error that names the server and what came back.
 *
 * <p>Bodies are read as the bytes that arrived, by one {@link ObjectReader} per reply type made
 * once: no text copy of the body and no look-up of the type's deserializer per request. A field
 * the client does not know is skipped (a newer server's addition, such as a lease's search space
 * was, must not stop an older worker or SDK); what the server reads stays strict.
 */
final class Replies {
    private static final Map<JavaType, ObjectReader> READERS = new ConcurrentHashMap<>();

    private Replies() {
    }

    static <T> T read(URI server, byte[] body, TypeReference<T> type) {
        return read(server, body, Json.mapper().getTypeFactory().constructType(type));
    }

    static <T> T read(URI server, byte[] body, JavaType type) {
        try {
            return READERS.computeIfAbsent(type, t -> Json.mapper().readerFor(t).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
                    .readValue(body);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server at " + server
                    + " answered with something that is not Tunelab JSON: " + e.getMessage());
        }
    }

    /** The error a reply of {@code status} with {@code body} stands for. */
    static TunelabException error(URI server, int status, String body) {
        try {
            return TunelabException.of(read(server, body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Json.mapper().constructType(ErrorBody.class)));
        } catch (RuntimeException e) {
            return TunelabException.of(status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT,
                    "HTTP " + status + " from " + server + ": " + (body == null ? "" : body.strip()));
        }
    }
}
