package io.tunelab.api;

import java.util.Map;
import java.util.Objects;

/**
 * The one JSON error body: {@code {"code", "message", "details"}}. The message says what
 * was wrong and what would be right; details carry machine-readable context (the param,
 * the allowed values).
 */
public record ErrorBody(ErrorCode code, String message, Map<String, Object> details) {
    public ErrorBody {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ErrorBody of(TunelabException e) {
        return new ErrorBody(e.code(), e.getMessage(), e.details());
    }
}
