package io.tunelab.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream whose reader cannot keep up is closed; one that reads stays; a stream is stalled by a full queue or by no progress. */
class EventStreamLimitsTest {
    Vertx vertx;
    HttpServer http;
    EventStream events;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        events = new EventStream(new HttpLimits(8, Duration.ofSeconds(60), 1024));
        http = vertx.createHttpServer().requestHandler(request -> events.open(request.response(), Vertx.currentContext()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private Socket subscribe(int receiveBuffer) throws Exception {
        var socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", http.actualPort()));
        OutputStream out = socket.getOutputStream();
        out.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aReaderThatCannotKeepUpIsClosedAndAReaderThatReadsStays() throws Exception {
        try (Socket stalled = subscribe(4096); Socket reading = subscribe(1 << 16)) {
            await(() -> events.size() == 2, "both streams open");
            var received = new AtomicLong();
            Thread.ofPlatform().daemon(true).start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(reading.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("event: big")) {
                            received.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    // the test's end closes the socket
                }
            });
            Map<String, String> payload = Map.of("text", "x".repeat(64 * 1024));
            long sent = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.size() == 2 && System.nanoTime() < deadline) {
                events.publish("big", payload);
                sent++;
                Thread.sleep(2);
            }
            assertThat(events.size()).as("the stalled reader's stream is closed, the other stays").isEqualTo(1);
            long total = sent;
            await(() -> received.get() == total, "the reading stream gets every event");
        }
    }

    @Test
    void aStreamIsStalledWhenItsQueueIsFullOrItsWritesMadeNoProgressForTheIdleTimeOut() {
        Duration idle = Duration.ofSeconds(60);
        long now = 1_000_000_000_000L;
        assertThat(EventStream.stalled(false, now - idle.toNanos(), now, idle)).isFalse();
        assertThat(EventStream.stalled(false, now - idle.toNanos() - 1, now, idle)).isTrue();
        assertThat(EventStream.stalled(true, now, now, idle)).isTrue();
    }
}
