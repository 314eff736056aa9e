package io.tunelab.server.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A stored model or artifact sent as a download: copied from the database to a temporary file off
 * the event loop, then sent from that file and the file deleted, so it is never held whole in
 * memory. A copy that fails (a 404 when there is none) leaves no file and answers the error. A
 * HEAD gets the GET's status and headers with the Content-Length of the bytes a GET would send,
 * from the size stored with them: the bytes are not read.
 */
final class Downloads {
    /** Copies the stored bytes to {@code out}; answers what the reply's headers need. */
    @FunctionalInterface
    interface Copy<T> {
        T to(OutputStream out) throws Exception;
    }

    /** What a HEAD answers in place of the bytes: what the reply's headers need, and how many bytes the GET sends. */
    record Size<T>(T about, long bytes) {
    }

    /** Answers the {@link Size} of what {@link Copy} would write, failing as the copy would (a 404 when there is none). */
    @FunctionalInterface
    interface Measure<T> {
        Size<T> of() throws Exception;
    }

    private Downloads() {
    }

    /** Sends what {@code copy} writes as {@code application/octet-stream}, attached under the name {@code fileName} gives. */
    static <T> void send(RoutingContext rc, Blocking blocking, Copy<T> copy, Measure<T> measure, Function<T, String> fileName) {
        send(rc, blocking, copy, measure, (response, about) -> response
                .putHeader("Content-Type", "application/octet-stream")
                // The names are made of digits, letters, '.' and '-' only, so they need no escaping.
                .putHeader("Content-Disposition", "attachment; filename=\"" + fileName.apply(about) + "\""));
    }

    /**
     * Sends what {@code copy} writes, with the headers {@code headers} puts from what the copy
     * answered; a HEAD is answered from what {@code measure} answers instead.
     */
    static <T> void send(RoutingContext rc, Blocking blocking, Copy<T> copy, Measure<T> measure,
                         BiConsumer<HttpServerResponse, T> headers) {
        if (KnownLength.head(rc)) {
            blocking.runThen(rc, measure::of, (r, size) -> {
                headers.accept(r.response(), size.about());
                KnownLength.endHead(r, size.bytes());
            });
            return;
        }
        record Copied<T>(T about, Path file) {
        }
        blocking.runThen(rc, () -> {
            Path file = Files.createTempFile("tunelab-download-", ".part");
            try (OutputStream out = Files.newOutputStream(file)) {
                return new Copied<>(copy.to(out), file);
            } catch (Exception e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }, (r, copied) -> {
            headers.accept(r.response(), copied.about());
            r.response().sendFile(copied.file().toString())
                    .onComplete(sent -> r.vertx().fileSystem().delete(copied.file().toString()));
        });
    }
}
