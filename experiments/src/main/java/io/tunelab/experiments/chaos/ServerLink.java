package io.tunelab.experiments.chaos;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients' way to the server across its restarts: it knows the current address (a restarted
 * server listens on a new port) and resends a request that failed for want of a server until
 * one answers or the run ends. A request is sent as a user's client sends it: JSON over HTTP,
 * with the headers every request needs. Not the SDK: the run must see each reply's status to
 * know what the server acknowledged, and resend the same request to the next server. Thread-safe.
 */
final class ServerLink {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong serverErrors = new AtomicLong();
    private final java.util.Queue<String> firstServerErrors = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile String url;
    private volatile Map<String, String> headers = Map.of();
    private volatile boolean closed;

    /** A reply: its status and body. */
    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean hasCode(String code) {
            return body.contains("\"code\":\"" + code + "\"");
        }
    }

    /** Points the clients at a (re)started server; {@code headers} go with every request (a token, say). */
    void point(String serverUrl, Map<String, String> requestHeaders) {
        this.headers = Map.copyOf(requestHeaders);
        this.url = serverUrl;
    }

    /** The server is gone until the next {@link #point}. */
    void down() {
        this.url = null;
    }

    /** Ends the run: requests waiting for a server give up. */
    void close() {
        closed = true;
    }

    long serverErrors() {
        return serverErrors.get();
    }

    /** The first few 5xx replies: what was asked and what came back. */
    java.util.List<String> firstServerErrors() {
        return java.util.List.copyOf(firstServerErrors);
    }

    /**
     * Sends {@code method path} with a JSON body (or none) until a server answers it; a 5xx
     * answer is counted and sent again. Returns {@code null} only once the link is closed.
     */
    Reply send(String method, String path, String json) throws InterruptedException {
        return send(method, path, json, Map.of());
    }

    /**
     * {@link #send(String, String, String)} with {@code extra} headers on every attempt: a request
     * id stays the same on each resend, as the SDK's does.
     */
    Reply send(String method, String path, String json, Map<String, String> extra) throws InterruptedException {
        while (!closed) {
            String base = url;
            if (base == null) {
                Thread.sleep(20);
                continue;
            }
            var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            headers.forEach(request::header);
            extra.forEach(request::header);
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 500) {
                    if (serverErrors.incrementAndGet() <= 5) {
                        firstServerErrors.add(method + " " + path + " -> " + response.statusCode() + " " + response.body());
                    }
                    Thread.sleep(20);
                    continue;
                }
                return new Reply(response.statusCode(), response.body());
            } catch (ConnectException | HttpTimeoutException e) {
                waitForAnotherServer(base);
            } catch (IOException e) {
                // The connection broke mid-request: the server died. Whether the request landed is
                // unknown, so it is sent again; the check afterwards accepts either outcome.
                waitForAnotherServer(base);
            }
        }
        return null;
    }

    private void waitForAnotherServer(String dead) throws InterruptedException {
        while (!closed && dead.equals(url)) {
            Thread.sleep(20);
        }
    }
}
