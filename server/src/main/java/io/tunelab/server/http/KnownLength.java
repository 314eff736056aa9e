package io.tunelab.server.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends a response whose body is whole before it is sent (JSON, errors, metrics, the OpenAPI
 * document, downloads), so that a HEAD is answered with the Content-Length its GET carries.
 * Vert.x leaves Content-Length out of every HEAD answer, since it sends no body; HTTP asks a
 * HEAD's headers to be the GET's, and a client that asks a download's size with HEAD would learn
 * nothing. Bodies written as they are made carry no length, for GET and HEAD alike: the trial
 * exports ({@link StreamedBody}) and the event stream are chunked, and a HEAD of either says so
 * as its GET does ({@link #endChunkedHead}). Call on the request's context.
 */
final class KnownLength {
    private KnownLength() {
    }

    /** Whether {@code rc} is a HEAD: answered with the GET's headers and no body. */
    static boolean head(RoutingContext rc) {
        return rc.request().method() == HttpMethod.HEAD;
    }

    /** Ends the response with {@code body}; a HEAD gets its length and none of its bytes. */
    static Future<Void> end(RoutingContext rc, Buffer body) {
        if (head(rc)) {
            rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        }
        return rc.response().end(body);
    }

    /** {@link #end(RoutingContext, Buffer)} with {@code text} in UTF-8. */
    static Future<Void> end(RoutingContext rc, String text) {
        return end(rc, Buffer.buffer(text));
    }

    /**
     * Ends a HEAD's response, whose GET sends a chunked body (written as it is made), without one
     * and with the GET's {@code Transfer-Encoding: chunked}. Vert.x takes that header out of a HEAD's
     * answer as it sends the headers, and calls the headers-end handlers after, so it is put back
     * there; HTTP lets a HEAD's answer carry it, to say how the GET's body would be framed (RFC 9112
     * 6.1), and nothing follows the headers on the connection.
     */
    static Future<Void> endChunkedHead(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> rc.response().headers().set(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED));
        return rc.response().end();
    }

    /** Ends a HEAD's response, whose GET sends a body of {@code bytes} bytes (a file, say), without one. */
    static Future<Void> endHead(RoutingContext rc, long bytes) {
        return rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(bytes)).end();
    }
}
