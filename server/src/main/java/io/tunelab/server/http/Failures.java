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
import java.util.concurrent.RejectedExecutionException;

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

    /**
     * Answers {@code t} as its error body (an unexpected one as INTERNAL with a request id); the
     * body of a request refused before it was read (an upload, say) is drained unread, so the
     * client sees the answer rather than a stuck or reset connection.
     */
    static void send(RoutingContext rc, Throwable t) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        if (stopping(t)) {
            // The server is stopping and its executors take no more work: the request was not
            // acted on. Its connection is dropped unanswered, as a stopped server's would be, so a
            // client resends a request it may repeat (to this server once restarted, or another)
            // instead of taking a 500 for an error.
            LOG.info("dropped {} {}: the server is stopping", rc.request().method(), LogText.of(rc.request().path()));
            rc.request().connection().close();
            return;
        }
        if (!rc.request().isEnded()) {
            // The body of a refused request is read and dropped: one left unread (paused while its
            // session was read, say) would hold its connection once the client filled the socket.
            rc.request().handler(ignored -> { }).resume();
        }
        TunelabException e = t instanceof TunelabException te && te.code() != ErrorCode.INTERNAL ? te : internal(rc, t);
        rc.response().setStatusCode(e.code().status()).putHeader("Content-Type", "application/json");
        KnownLength.end(rc, Buffer.buffer(Json.writeBytes(ErrorBody.of(e))));
    }

    /** Whether the failure is an executor refusing work because it was shut down (the server is stopping). */
    private static boolean stopping(Throwable t) {
        // A few causes deep: wrappers (CompletionException) hold it directly, and a cycle must not loop.
        Throwable c = t;
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause()) {
            if (c instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    private static TunelabException internal(RoutingContext rc, Throwable t) {
        String id = UUID.randomUUID().toString();
        String what = rc.request().method() + " " + rc.request().path();
        LOG.error("request {}: {} failed", id, LogText.of(what), t);
        return TunelabException.of(ErrorCode.INTERNAL, "the server failed on " + what + "; the server log has the cause "
                + "under request id " + id, Map.of("requestId", id));
    }
}
