package io.tunelab.server.http;

import io.tunelab.api.Json;
import io.tunelab.server.experiment.Events;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-sent events at {@code GET /api/events}: every change the coordinator publishes is sent
 * to every open stream as {@code event: TYPE} with the JSON payload. Publishing never blocks:
 * each write is handed to the stream's own event-loop context. Nothing is serialized while no
 * stream is open.
 */
final class EventStream implements Events {
    private final Map<HttpServerResponse, Context> streams = new ConcurrentHashMap<>();

    void open(HttpServerResponse response, Context context) {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        streams.put(response, context);
        response.closeHandler(v -> streams.remove(response));
        response.exceptionHandler(e -> streams.remove(response));
    }

    @Override
    public void publish(String type, Object payload) {
        if (streams.isEmpty()) {
            return;
        }
        String frame = "event: " + type + "\ndata: " + Json.write(payload) + "\n\n";
        streams.forEach((response, context) -> context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                if (response.writeQueueFull()) {
                    // A reader that cannot keep up loses events rather than holding memory; it reloads on reconnect.
                    return;
                }
                response.write(frame);
            }
        }));
    }

    /** Sends a comment to every stream so proxies and browsers keep idle connections open. */
    void keepAlive() {
        streams.forEach((response, context) -> context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        }));
    }
}
