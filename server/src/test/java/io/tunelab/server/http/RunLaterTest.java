package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply whose future another thread completes (as the storage writer completes a commit's)
 * runs on its own request's context, and a failed future is answered as the error body.
 */
class RunLaterTest {
    Vertx vertx;
    HttpServer server;
    Blocking blocking;
    final List<Context> requestContexts = new CopyOnWriteArrayList<>();
    final List<Context> replyContexts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        blocking = new Blocking();
        Router router = Router.router(vertx);
        router.get("/later").handler(rc -> {
            requestContexts.add(Vertx.currentContext());
            blocking.runLater(rc, () -> CompletableFuture.supplyAsync(() -> "done",
                    CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)), (r, result) -> {
                replyContexts.add(Vertx.currentContext());
                r.response().end(String.valueOf(result));
            });
        });
        router.get("/refused").handler(rc -> blocking.runLater(rc, 200, () -> CompletableFuture.supplyAsync(() -> {
            throw TunelabException.of(ErrorCode.TRIAL_FINISHED, "trial 7 is finished already");
        }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS))));
        router.route().failureHandler(Failures::handle);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        blocking.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReplyCompletedOnAnotherThreadRunsOnItsRequestsOwnContext() throws Exception {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(get(http, "/later").body()).isEqualTo("done");
            assertThat(get(http, "/later").body()).isEqualTo("done");
        }

        assertThat(requestContexts).hasSize(2);
        assertThat(requestContexts.get(0)).as("Vert.x gives every request a context of its own").isNotSameAs(requestContexts.get(1));
        assertThat(replyContexts).hasSize(2);
        assertThat(replyContexts.get(0)).isSameAs(requestContexts.get(0));
        assertThat(replyContexts.get(1)).isSameAs(requestContexts.get(1));
    }

    @Test
    void aFutureThatFailsOnAnotherThreadIsAnsweredAsTheErrorBody() throws Exception {
        HttpResponse<String> reply;
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            reply = get(http, "/refused");
        }

        assertThat(reply.statusCode()).isEqualTo(409);
        assertThat(reply.body()).contains("\"code\":\"TRIAL_FINISHED\"").contains("trial 7 is finished already");
    }
}
