package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/events} streams every experiment and trial change as server-sent events; a HEAD answers the stream's headers alone. */
class EventStreamTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aHeadAnswersTheStreamsHeadersChunkedAsItsGetWithNoBody() throws Exception {
        HttpResponse<java.io.InputStream> get;
        try (var http = HttpClient.newHttpClient()) {
            get = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/events"))
                    .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofInputStream());
            get.body().close();
        }
        TestServer.Reply head = server.call("HEAD", "/api/events", null);
        assertThat(head.status()).isEqualTo(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        for (String header : List.of("Content-Type", "Cache-Control", "X-Accel-Buffering", "Transfer-Encoding", "Content-Length")) {
            assertThat(head.response().headers().firstValue(header)).as(header).isEqualTo(get.headers().firstValue(header));
        }
        assertThat(new RawHttp(server.port()).afterHead("/api/events", java.util.Map.of("Authorization", "Bearer " + server.adminToken())))
                .as("bytes after the HEAD's headers").isEmpty();
    }

    @Test
    void askAndTellArriveAsEvents() throws Exception {
        String url = server.url();
        String token = server.adminToken();
        HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/api/events")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        var lines = new ArrayList<String>();
        var sawTell = new CompletableFuture<Void>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream.body()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("data:") && line.contains("\"state\":\"COMPLETE\"")) {
                        sawTell.complete(null);
                    }
                }
            } catch (Exception e) {
                sawTell.completeExceptionally(e);
            }
        });
        Thread.sleep(200);
        try (TunelabClient client = TunelabClient.connect(url, token)) {
            var exp = client.launch(ExperimentSpec.builder("live").minimize("loss").param("x", FloatParam.of(0, 1)).build());
            var t = exp.ask();
            exp.tell(t.id(), 0.25);
        }
        sawTell.get(10, TimeUnit.SECONDS);
        List<String> seen;
        synchronized (lines) {
            seen = List.copyOf(lines);
        }
        assertThat(seen).contains("event: experiment", "event: trial");
        assertThat(seen).anySatisfy(l -> assertThat(l).startsWith("data:").contains("\"name\":\"live\""));
        assertThat(seen).anySatisfy(l -> assertThat(l).startsWith("data:").contains("\"values\":{\"loss\":0.25}"));
    }
}
