package io.tunelab.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        // Only a body that names the field pays for the tree; the others are read straight into the record.
        if (body == null || !body.contains("\"" + NEXT + "\"")) {
            return new TellRequest(Json.read(body, TrialResult.class), false);
        }
        JsonNode tree = Json.tree(body);
        if (!(tree instanceof ObjectNode object) || !object.has(NEXT)) {
            return new TellRequest(Json.read(body, TrialResult.class), false);
        }
        JsonNode next = object.remove(NEXT);
        if (!next.isBoolean()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "next must be true or false, got " + next
                    + "; send \"next\": true to get the next trial in the reply", Map.of("field", NEXT));
        }
        return new TellRequest(Json.read(object, TrialResult.class), next.booleanValue());
    }
}
