package io.tunelab.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request that fails because the server's executors were shut down (the server is stopping)
 * is not answered with a 500: its connection is dropped, as a stopped server's would be, so a
 * client resends it if it may. Any other failure is still the 500 error body.
 */
class FailuresWhileStoppingTest {
    Vertx vertx;
    HttpServer server;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/rejected").handler(rc -> rc.fail(new RejectedExecutionException()));
        router.get("/wrapped").handler(rc -> rc.fail(new CompletionException(new RejectedExecutionException())));
        router.get("/broken").handler(rc -> rc.fail(new IllegalStateException("a bug")));
        router.route().failureHandler(Failures::handle);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aRequestRefusedByAStoppedExecutorIsDroppedUnanswered() {
        assertThatThrownBy(() -> get("/rejected")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get("/wrapped")).isInstanceOf(IOException.class);
    }

    @Test
    void anyOtherFailureIsStillTheErrorBody() throws Exception {
        HttpResponse<String> reply = get("/broken");
        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("\"code\":\"INTERNAL\"").contains("the server failed on GET /broken");
    }
}
