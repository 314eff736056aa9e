package io.tunelab.server.http;

import io.tunelab.api.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Where handlers run their domain calls: on a virtual thread each, off the event loop, with the
 * answer handed back to the request's event-loop context; a failure becomes the one error body
 * ({@link Failures}). Thread-safe; {@link #close()} interrupts what still runs.
 */
final class Blocking implements Executor {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Runs a domain call on a virtual thread and answers with its JSON on the request's context. */
    void run(RoutingContext rc, int status, Callable<Object> work) {
        runThen(rc, () -> Json.writeBytes(work.call()), (r, json) -> send(r, status, json));
    }

    /**
     * Runs a domain call on a virtual thread that answers a future (the domain's call that does
     * not wait for its commit), and answers with the future's result as JSON on the request's
     * context once it completes: the thread that completes it hands the reply to the event loop
     * directly, without waking the virtual thread again.
     */
    void runLater(RoutingContext rc, int status, Callable<? extends CompletionStage<?>> work) {
        runLater(rc, work, (r, result) -> send(r, status, Json.writeBytes(result)));
    }

    /** {@link #runLater(RoutingContext, int, Callable)}, with the future's result answered by {@code reply} on the request's context. */
    void runLater(RoutingContext rc, Callable<? extends CompletionStage<?>> work, ThrowingReply reply) {
        Context context = Vertx.currentContext();
        executor.execute(() -> {
            try {
                answerOnCompletion(context, rc, work.call(), reply);
            } catch (Throwable t) {
                context.runOnContext(v -> Failures.send(rc, t));
            }
        });
    }

    /**
     * The longest body (bytes) a domain call made on the event loop reads (16 KiB: a tell of some hundred
     * values); a longer one, up to the body limit, is read on a virtual thread, where its parsing
     * holds up no other request.
     */
    static final int HERE_MAX_BODY_BYTES = 16 * 1024;

    /** {@link #runHereOrLater(RoutingContext, Callable, Step, Step, ThrowingReply)}, answering the result as JSON with {@code status}. */
    <B> void runHereOrLater(RoutingContext rc, int status, Callable<B> read, Step<B> here, Step<B> work) {
        runHereOrLater(rc, read, here, work, (r, result) -> send(r, status, Json.writeBytes(result)));
    }

    /**
     * {@link #runLater(RoutingContext, Callable, ThrowingReply)} that first tries the domain's call
     * made for a thread that must never wait, {@code here}, right on the event loop: no virtual
     * thread is started and none woken. The request's body is read once ({@code read}) and given to
     * whichever call runs. {@code here} answers null, having changed nothing, when the call might
     * wait there; {@code work} is then made on a virtual thread with the body already read. A body
     * longer than {@link #HERE_MAX_BODY_BYTES} is read and worked on the virtual thread alone. A
     * failure reading or {@code here} throws (a malformed body, say) is answered at once, as
     * {@code work}'s would be.
     */
    <B> void runHereOrLater(RoutingContext rc, Callable<B> read, Step<B> here, Step<B> work, ThrowingReply reply) {
        if (rc.body() != null && rc.body().length() > HERE_MAX_BODY_BYTES) {
            runLater(rc, () -> work.call(read.call()), reply);
            return;
        }
        B body;
        CompletionStage<?> now;
        try {
            body = read.call();
            now = here.call(body);
        } catch (Throwable t) {
            Failures.send(rc, t);
            return;
        }
        if (now == null) {
            runLater(rc, () -> work.call(body), reply);
        } else {
            answerOnCompletion(Vertx.currentContext(), rc, now, reply);
        }
    }

    /** A domain call on a request's body as read. */
    @FunctionalInterface
    interface Step<B> {
        CompletionStage<?> call(B body) throws Exception;
    }

    /**
     * Answers the request with {@code reply} once {@code result} completes: the thread that
     * completes it (the storage writer, for a commit's) hands the reply to the request's context.
     * Each reply is its own task on the event loop: every request runs on a context of its own
     * (Vert.x duplicates its connection's), and replies grouped per event loop took the writer no
     * less CPU (experiments/PERFORMANCE.md, 2026-12-07 07:26).
     */
    private static void answerOnCompletion(Context context, RoutingContext rc, CompletionStage<?> result, ThrowingReply reply) {
        result.whenComplete((value, failure) -> context.runOnContext(v -> {
            try {
                if (failure != null) {
                    throw failure;
                }
                reply.send(rc, value);
            } catch (Throwable t) {
                Failures.send(rc, t instanceof CompletionException c && c.getCause() != null ? c.getCause() : t);
            }
        }));
    }

    /** What answers a request with a result on its context; a failure it throws becomes the error response. */
    @FunctionalInterface
    interface ThrowingReply {
        void send(RoutingContext rc, Object result) throws Exception;
    }

    /**
     * Runs a domain call that answers one page of a longer list, then, on the request's context
     * (responses are not thread-safe), answers the page's items as JSON with the whole list's
     * length in {@code X-Total-Count}.
     */
    <T> void runPage(RoutingContext rc, Callable<T> work, ToIntFunction<T> total, Function<T, Object> items) {
        runThen(rc, () -> {
            T page = work.call();
            return Map.entry(total.applyAsInt(page), Json.writeBytes(items.apply(page)));
        }, (r, page) -> sendPage(r, page.getKey(), page.getValue()));
    }

    /** Answers one page of a longer list: its items' JSON, with the whole list's length in {@code X-Total-Count}. */
    static void sendPage(RoutingContext rc, int total, byte[] json) {
        rc.response().putHeader("X-Total-Count", Integer.toString(total));
        send(rc, 200, json);
    }

    /**
     * Runs blocking work on a virtual thread, then hands its result to {@code reply} on the
     * request's event-loop context; a failure becomes the error response.
     */
    <T> void runThen(RoutingContext rc, Callable<T> work, BiConsumer<RoutingContext, T> reply) {
        runThen(rc, work, reply, Failures::send);
    }

    /** {@link #runThen(RoutingContext, Callable, BiConsumer)}, with a failure handed to {@code failed} on the request's context. */
    <T> void runThen(RoutingContext rc, Callable<T> work, BiConsumer<RoutingContext, T> reply, BiConsumer<RoutingContext, Throwable> failed) {
        Context context = Vertx.currentContext();
        executor.execute(() -> {
            try {
                T result = work.call();
                context.runOnContext(v -> reply.accept(rc, result));
            } catch (Throwable t) {
                context.runOnContext(v -> failed.accept(rc, t));
            }
        });
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    static void send(RoutingContext rc, int status, byte[] json) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        KnownLength.end(rc, Buffer.buffer(json));
    }

    void close() {
        executor.shutdownNow();
    }
}
