package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.tunelab.api.ErrorBody;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.net.URI;

/**
 * How the client reads a server's replies: a JSON body as the type asked for, an error body as the
 * {@link TunelabException} of its code. A reply that is not Tunelab's JSON (a proxy's page, say)
 * becomes an error that names the server and what came back.
 */
final class Replies {
    private Replies() {
    }

    static <T> T read(URI server, String body, TypeReference<T> type) {
        return read(server, body, Json.mapper().getTypeFactory().constructType(type));
    }

    static <T> T read(URI server, String body, JavaType type) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server at " + server
                    + " answered with something that is not Tunelab JSON: " + e.getMessage());
        }
    }

    /** The error a reply of {@code status} with {@code body} stands for. */
    static TunelabException error(URI server, int status, String body) {
        try {
            return TunelabException.of(Json.mapper().readValue(body, ErrorBody.class));
        } catch (IOException | RuntimeException e) {
            return TunelabException.of(status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT,
                    "HTTP " + status + " from " + server + ": " + (body == null ? "" : body.strip()));
        }
    }
}
