package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.vertx.core.Future;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binary uploads (models, artifacts), read by their route itself before any body handler:
 * streamed to a temporary file, never whole into memory, then handed to blocking code and
 * deleted. A body without a Content-Length, or longer than its cap, or one the route's {@link
 * Check} refuses whatever it holds (no lease, no such trial, a finished one), is refused before
 * any of it is read, and no file is made for it; a body shorter than its Content-Length is
 * refused after. A client that sends {@code Expect: 100-continue} is told to send the body only
 * once those checks pass.
 */
final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    /**
     * What a route accepts: {@code what} the body is ("model"), the largest it may be and the
     * flag that sets that, and what a client with a larger one can do instead.
     */
    record Cap(String what, long maxBytes, String flag, String instead) {
    }

    /** Takes the stored upload: a file of exactly {@code size} bytes; returns the reply's JSON value. */
    @FunctionalInterface
    interface Receiver {
        Object receive(Path file, long size);
    }

    /** The refusals of an upload that need no body (run off the event loop); the receiver checks again, authoritatively. */
    @FunctionalInterface
    interface Check {
        void check();
    }

    private Uploads() {
    }

    /** Streams the request's body to a temporary file, then answers 200 with what {@code receiver} returns for it. */
    static void receive(RoutingContext rc, Blocking blocking, Cap cap, Check check, Receiver receiver) {
        HttpServerRequest request = rc.request();
        request.pause();
        long length = contentLength(request);
        if (length < 0) {
            Failures.send(rc, TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a" + (cap.what().matches("[aeiou].*") ? "n " : " ") + cap.what() + " upload needs a Content-Length header: "
                    + "send the " + cap.what() + " file's bytes as one body"));
            return;
        }
        if (length > cap.maxBytes()) {
            Failures.send(rc, TunelabException.of(ErrorCode.BODY_TOO_LARGE, "the " + cap.what() + " is larger than this server accepts ("
                    + cap.flag() + " " + Math.max(1, cap.maxBytes() / (1024 * 1024)) + "); " + cap.instead()
                    + " or start the server with a higher " + cap.flag()));
            return;
        }
        blocking.runThen(rc, () -> {
            check.check();
            return length;
        }, (r, checked) -> stream(r, blocking, cap, checked, receiver), Failures::send);
    }

    /** Tells a client that waits for it to send the body, then streams the body to a temporary file and hands it to the receiver. */
    private static void stream(RoutingContext rc, Blocking blocking, Cap cap, long length, Receiver receiver) {
        HttpServerRequest request = rc.request();
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            rc.response().writeContinue();
        }
        var files = rc.vertx().fileSystem();
        files.createTempFile("tunelab-" + cap.what() + "-", ".part")
                .compose(path -> files.open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                        .compose(request::pipeTo)
                        .map(done -> Path.of(path))
                        // A broken upload leaves no file behind, whether or not the delete works.
                        .recover(failed -> files.delete(path).transform(deleted -> Future.<Path>failedFuture(failed))))
                .onComplete(piped -> {
                    if (piped.failed()) {
                        Failures.send(rc, piped.cause());
                        return;
                    }
                    Path file = piped.result();
                    blocking.run(rc, 200, () -> {
                        try {
                            long size = Files.size(file);
                            if (size != length) {
                                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the " + cap.what() + " body had " + size
                                        + " bytes but Content-Length said " + length + "; send the whole file again");
                            }
                            return receiver.receive(file, size);
                        } finally {
                            deleteQuietly(file);
                        }
                    });
                });
    }

    /** The request's Content-Length, or -1 when it has none or an unreadable one. */
    private static long contentLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return header == null ? -1 : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the upload {}: {}", file, e.getMessage());
        }
    }
}
