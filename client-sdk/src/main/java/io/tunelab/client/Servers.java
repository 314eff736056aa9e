package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The server URLs a {@link TunelabClient} tries, and the one that answered last. A request goes
 * there first; one that never reached a server (refused, unknown host, no route, connect timeout)
 * goes on to the next URL, one whose connection dropped after it was sent, or that a stopping
 * server refused unapplied, only when repeating it is harmless (see {@link #repeatable}).
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
                if (!uri.getScheme().equalsIgnoreCase("http") && !uri.getScheme().equalsIgnoreCase("https")) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "server URL \"" + one.strip() + "\": a Tunelab server "
                            + "speaks http:// or https://, not " + uri.getScheme() + "://");
                }
                if (uri.getPort() > 65535) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "server URL \"" + one.strip() + "\": port "
                            + uri.getPort() + " is beyond 65535");
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

    /** How one server is sent one request; {@link #send} tries it on each server in turn. */
    @FunctionalInterface
    interface Attempt<T> {
        T on(URI server) throws IOException, InterruptedException;
    }

    /**
     * Sends a request to {@link #current()}, on to the next URLs after a failure to connect, and
     * after a dropped connection only when {@code repeatable} (see {@link #repeatable}).
     */
    <T> T send(boolean repeatable, Attempt<T> attempt) {
        int first = current.get();
        TunelabException failure = null;
        for (int i = 0; i < urls.size(); i++) {
            int k = (first + i) % urls.size();
            URI server = urls.get(k);
            try {
                T r = attempt.on(server);
                current.set(k);
                return r;
            } catch (Refused e) {
                // The server said it applied nothing (it is stopping): the next server may take the request.
                failure = e.reason();
            } catch (ConnectException | UnknownHostException | NoRouteToHostException | ConnectTimeoutException e) {
                // The request never left this process: any request may go on to the next server.
                failure = TunelabException.of(ErrorCode.UNAVAILABLE, "cannot reach the Tunelab server at " + server
                        + "; is it running? (start one with: tunelab server)", Map.of(), e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) { // a virtual thread's read ends so when it is interrupted
                    throw interrupted(server, e);
                }
                failure = TunelabException.of(ErrorCode.UNAVAILABLE, e instanceof SSLException
                        ? "could not speak TLS with " + server + " (" + e.getMessage() + "); a server started without --tls-cert "
                        + "speaks http://, and one whose certificate this JVM does not trust needs it in its trust store "
                        + "(-Djavax.net.ssl.trustStore)"
                        : "lost the connection to " + server + " (" + lost(e) + ")", Map.of(), e);
                if (!repeatable) {
                    throw failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(server, e);
            }
        }
        throw failure;
    }

    /**
     * Thrown by an {@link Attempt} whose server refused the request unapplied ({@code 503
     * UNAVAILABLE} from a server that is stopping): {@link #send} goes on to the next URL, and
     * throws {@link #reason()} when every URL refused or could not be reached.
     */
    static final class Refused extends IOException {
        private final TunelabException.Unavailable reason;

        Refused(TunelabException.Unavailable reason) {
            super(reason.getMessage(), reason);
            this.reason = reason;
        }

        TunelabException.Unavailable reason() {
            return reason;
        }
    }

    /** Why a connection was lost, in words rather than an exception's class name. */
    static String lost(IOException e) {
        if (e instanceof NoHttpResponseException) {
            return "it closed the connection without answering: it may have stopped or restarted";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "the connection broke" : message;
    }

    /**
     * {@link #send}, sent again for up to {@code wait} while no server can be reached (restarted,
     * briefly out of reach), pausing a little longer each time, up to 2 s; only a {@code repeatable}
     * request, whose repeat the server answers as the first, is sent again. {@code Duration.ZERO}
     * fails at once, as {@link #send} does.
     */
    <T> T send(boolean repeatable, Duration wait, Attempt<T> attempt) {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 100;
        while (true) {
            try {
                return send(repeatable, attempt);
            } catch (TunelabException.Unavailable e) {
                if (!repeatable || wait.isZero() || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw interrupted(current(), ie);
                }
                pause = Math.min(pause * 2, 2000);
            }
        }
    }

    private static TunelabException interrupted(URI server, Exception e) {
        return TunelabException.of(ErrorCode.UNAVAILABLE, "interrupted while waiting for " + server, Map.of(), e);
    }

    /**
     * Whether sending a request twice does what sending it once does: reads, heartbeats, reports
     * (a report replaces its step), and asks and tells under a request id.
     */
    static boolean repeatable(Transport.Request r) {
        return !r.method().equals("POST") || r.requestId() != null || r.path().endsWith("/heartbeat") || r.path().endsWith("/reports");
    }
}
