package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.RequestId;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server URLs a {@link TunelabClient} tries, and the one that answered last. A request goes
 * there first; one that never reached a server goes on to the next URL, one whose connection
 * dropped after it was sent only when repeating it is harmless (see {@link #repeatable}).
 * Thread-safe.
 */
final class Servers {
    private final List<URI> urls;
    private final AtomicInteger current = new AtomicInteger();

    private Servers(List<URI> urls) {
        this.urls = List.copyOf(urls);
    }

    /** The URLs of {@code url}, one or several separated by commas; refuses one without a scheme or host. */
    static Servers parse(String url) {
        var urls = new ArrayList<URI>();
        for (String one : (url == null ? "" : url).split(",", -1)) {
            try {
                URI uri = URI.create(one.strip());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("no scheme or host");
                }
                String s = uri.toString();
                urls.add(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
            } catch (IllegalArgumentException e) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "server URL \"" + one.strip() + "\" is not valid; expected one like "
                        + "http://127.0.0.1:8080, or several separated by commas");
            }
        }
        return new Servers(urls);
    }

    /** The URL that answered last (the first, before any request). */
    URI current() {
        return urls.get(current.get());
    }

    List<URI> all() {
        return urls;
    }

    /** Sends a request built on {@link #current()}, on to the next URLs after a connection failure. */
    <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        int first = current.get();
        String path = request.uri().toString().substring(urls.get(first).toString().length());
        boolean repeatable = repeatable(request);
        TunelabException failure = null;
        for (int i = 0; i < urls.size(); i++) {
            int k = (first + i) % urls.size();
            URI server = urls.get(k);
            HttpRequest attempt = i == 0 ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                    .uri(URI.create(server + path)).build();
            try {
                HttpResponse<T> r = http.send(attempt, handler);
                current.set(k);
                return r;
            } catch (ConnectException e) {
                failure = TunelabException.of(ErrorCode.UNAVAILABLE, "cannot reach the Tunelab server at " + server
                        + "; is it running? (start one with: tunelab server)", Map.of(), e);
            } catch (IOException e) {
                failure = TunelabException.of(ErrorCode.UNAVAILABLE, "lost the connection to " + server + ": " + e, Map.of(), e);
                if (!repeatable) {
                    throw failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TunelabException.of(ErrorCode.UNAVAILABLE, "interrupted while waiting for " + server, Map.of(), e);
            }
        }
        throw failure;
    }

    /**
     * Whether sending a request twice does what sending it once does: reads, heartbeats, reports
     * (a report replaces its step), and asks and tells under a request id.
     */
    static boolean repeatable(HttpRequest r) {
        String path = r.uri().getPath();
        return !r.method().equals("POST") || r.headers().firstValue(RequestId.HEADER).isPresent()
                || path.endsWith("/heartbeat") || path.endsWith("/reports");
    }
}
