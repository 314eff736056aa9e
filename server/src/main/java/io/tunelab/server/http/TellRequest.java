package io.tunelab.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;

import java.util.Map;

/**
 * The body of {@code POST /api/trials/{id}/result}: a {@link TrialResult}, and beside its fields an
 * optional {@code "next": true} asking for the experiment's next trial in the reply. A body without
 * {@code next} is read exactly as before, so old callers see no change.
 */
record TellRequest(TrialResult result, boolean next) {
    private static final String NEXT = "next";

    static TellRequest parse(String body) {
        var read = Json.readBeside(body, TrialResult.class, NEXT);
        JsonNode next = read.field();
        if (next == null) {
            return new TellRequest(read.value(), false);
        }
        if (!next.isBoolean()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "next must be true or false, got " + next
                    + "; send \"next\": true to get the next trial in the reply", Map.of("field", NEXT));
        }
        return new TellRequest(read.value(), next.booleanValue());
    }
}
