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
 * exports ({@link StreamedBody}) and the event stream are chunked. Call on the request's context.
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

    /** Ends a HEAD's response, whose GET sends a body of {@code bytes} bytes (a file, say), without one. */
    static Future<Void> endHead(RoutingContext rc, long bytes) {
        return rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(bytes)).end();
    }
}
