package io.tunelab.server.http;

import io.tunelab.api.ErrorBody;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.LogText;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;

/**
 * Turns whatever failed a request into the one JSON error body. A {@link TunelabException} is
 * answered as it is, except an {@code INTERNAL} one; anything that is not a Tunelab error, and
 * every {@code INTERNAL} one, is logged in full with a request id and answered with that id
 * only, so no class name, stack trace or database message reaches the client.
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** The router's failure handler: errors thrown by handlers, and Vert.x's own statuses (404, 413, …). */
    static void handle(RoutingContext rc) {
        Throwable t = rc.failure();
        if (t == null) {
            int status = rc.statusCode();
            String what = rc.request().method() + " " + rc.request().path();
            t = switch (status) {
                case 404 -> TunelabException.of(ErrorCode.NOT_FOUND, "nothing at " + what);
                case 405 -> TunelabException.of(ErrorCode.METHOD_NOT_ALLOWED, what + " is not a route");
                case 413 -> TunelabException.of(ErrorCode.BODY_TOO_LARGE, "the body of " + what + " is larger than it accepts "
                        + "(JSON, YAML and CSV bodies up to " + HttpApi.MAX_JSON_BYTES / 1024 + " KB)");
                case 415 -> TunelabException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body of " + what
                        + " must be application/json (a sweep spec may be application/yaml)");
                default -> TunelabException.of(status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT,
                        "HTTP " + status + " for " + what);
            };
        }
        send(rc, t);
    }

    static void send(RoutingContext rc, Throwable t) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        TunelabException e = t instanceof TunelabException te && te.code() != ErrorCode.INTERNAL ? te : internal(rc, t);
        rc.response().setStatusCode(e.code().status()).putHeader("Content-Type", "application/json");
        KnownLength.end(rc, Buffer.buffer(Json.writeBytes(ErrorBody.of(e))));
    }

    private static TunelabException internal(RoutingContext rc, Throwable t) {
        String id = UUID.randomUUID().toString();
        String what = rc.request().method() + " " + rc.request().path();
        LOG.error("request {}: {} failed", id, LogText.of(what), t);
        return TunelabException.of(ErrorCode.INTERNAL, "the server failed on " + what + "; the server log has the cause "
                + "under request id " + id, Map.of("requestId", id));
    }
}
