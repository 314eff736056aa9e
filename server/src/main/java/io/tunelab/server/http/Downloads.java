package io.tunelab.server.http;

import io.vertx.ext.web.RoutingContext;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A stored model sent as a download: copied from the database to a temporary file off the event
 * loop, then sent from that file and the file deleted, so it is never held whole in memory. A
 * copy that fails (a 404 when there is none) leaves no file and answers the error.
 */
final class Downloads {
    /** Copies the stored bytes to {@code out}; answers what the reply's headers need. */
    @FunctionalInterface
    interface Copy<T> {
        T to(OutputStream out) throws Exception;
    }

    private Downloads() {
    }

    /** Sends what {@code copy} writes as {@code application/octet-stream}, attached under the name {@code fileName} gives. */
    static <T> void send(RoutingContext rc, Blocking blocking, Copy<T> copy, Function<T, String> fileName) {
        record Copied<T>(T about, Path file) {
        }
        blocking.runThen(rc, () -> {
            Path file = Files.createTempFile("tunelab-download-model-", ".part");
            try (OutputStream out = Files.newOutputStream(file)) {
                return new Copied<>(copy.to(out), file);
            } catch (Exception e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }, (r, copied) -> r.response()
                .putHeader("Content-Type", "application/octet-stream")
                // The names are made of digits, letters, '.' and '-' only, so they need no escaping.
                .putHeader("Content-Disposition", "attachment; filename=\"" + fileName.apply(copied.about()) + "\"")
                .sendFile(copied.file().toString())
                .onComplete(sent -> r.vertx().fileSystem().delete(copied.file().toString())));
    }
}
