package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Events;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-sent events at {@code GET /api/events}: every change the coordinator publishes is sent
 * to every open stream as {@code event: TYPE} with the JSON payload. Publishing never blocks:
 * each write is handed to the stream's own event-loop context. Nothing is serialized while no
 * stream is open.
 *
 * <p>Streams are bounded: at most {@link HttpLimits#maxEventStreams()} are open at once (one more
 * is refused with {@code 503 UNAVAILABLE}); a stream whose write queue is full, because its reader
 * cannot keep up, is closed rather than buffered; and a stream whose writes have not reached the
 * client for {@link HttpLimits#eventIdleTimeout()} is closed at the next keep-alive. A browser's
 * EventSource reconnects and reloads. Thread-safe.
 */
final class EventStream implements Events {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /** How often idle streams get a comment so proxies keep them open, at most. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** One open stream: its response, its event loop, and when its last write reached the network (nanos). */
    private static final class Subscriber {
        final HttpServerResponse response;
        final Context context;
        volatile long progress = System.nanoTime();

        Subscriber(HttpServerResponse response, Context context) {
            this.response = response;
            this.context = context;
        }

        void write(String frame) {
            response.write(frame).onSuccess(v -> progress = System.nanoTime());
        }
    }

    private final Map<HttpServerResponse, Subscriber> streams = new ConcurrentHashMap<>();
    private final HttpLimits limits;

    EventStream(HttpLimits limits) {
        this.limits = limits;
    }

    /** Opens a stream on {@code response}, or refuses it when {@link HttpLimits#maxEventStreams()} are open already. */
    void open(HttpServerResponse response, Context context) {
        var subscriber = new Subscriber(response, context);
        synchronized (streams) {
            refuseWhenFull();
            streams.put(response, subscriber);
        }
        headers(response.setChunked(true));
        subscriber.write(": connected\n\n");
        response.closeHandler(v -> streams.remove(response));
        response.exceptionHandler(e -> streams.remove(response));
    }

    /**
     * Refuses one more stream with {@code 503 UNAVAILABLE} when {@link HttpLimits#maxEventStreams()}
     * are open: what a GET would get, so a HEAD answers it too.
     */
    void refuseWhenFull() {
        int open = streams.size();
        if (open >= limits.maxEventStreams()) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server has " + open + " event streams open, the most "
                    + "it serves (--max-event-streams " + limits.maxEventStreams() + "); close a browser tab or start the "
                    + "server with a higher --max-event-streams");
        }
    }

    /** Puts the headers a stream begins with on {@code response}: a HEAD of the stream answers them too. */
    static HttpServerResponse headers(HttpServerResponse response) {
        return response.putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    @Override
    public boolean listened() {
        return !streams.isEmpty();
    }

    /** How many streams are open. */
    int size() {
        return streams.size();
    }

    @Override
    public void publish(String type, Object payload) {
        if (streams.isEmpty()) {
            return;
        }
        String frame = "event: " + type + "\ndata: " + Json.write(payload) + "\n\n";
        streams.values().forEach(s -> s.context.runOnContext(v -> {
            if (open(s)) {
                if (s.response.writeQueueFull()) {
                    close(s, "its reader cannot keep up");
                } else {
                    s.write(frame);
                }
            }
        }));
    }

    /** Starts the keep-alive on {@code vertx}: every 15 s, or more often for a short idle time-out. Answers the timer. */
    long start(Vertx vertx) {
        long every = Math.min(KEEP_ALIVE.toMillis(), Math.max(1, limits.eventIdleTimeout().toMillis() / 3));
        return vertx.setPeriodic(every, id -> keepAlive());
    }

    /**
     * Sends a comment to every stream so proxies and browsers keep idle connections open, and
     * closes the streams that are {@link #stalled stalled}.
     */
    void keepAlive() {
        streams.values().forEach(s -> s.context.runOnContext(v -> {
            if (!open(s)) {
                return;
            }
            if (stalled(s.response.writeQueueFull(), s.progress, System.nanoTime(), limits.eventIdleTimeout())) {
                close(s, "its writes have not reached the client for " + limits.eventIdleTimeout().toSeconds() + " s");
            } else {
                s.write(": keep-alive\n\n");
            }
        }));
    }

    /**
     * Whether a stream is to be closed: its write queue is full, or no write has reached the
     * network since {@code progressNanos} for longer than {@code idleTimeout}.
     */
    static boolean stalled(boolean writeQueueFull, long progressNanos, long nowNanos, Duration idleTimeout) {
        return writeQueueFull || nowNanos - progressNanos > idleTimeout.toNanos();
    }

    private boolean open(Subscriber s) {
        if (s.response.closed() || s.response.ended()) {
            streams.remove(s.response);
            return false;
        }
        return true;
    }

    private void close(Subscriber s, String why) {
        streams.remove(s.response);
        LOG.info("closed an event stream: {}", why);
        s.response.reset();
    }
}
