package io.tunelab.server.testing;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server on a free port for each test of a class, on H2 files in a folder of its own that
 * is deleted after the test. Register it as an extension
 * ({@code @RegisterExtension final TestServer server = new TestServer();}); it starts before the
 * class's {@code @BeforeEach} methods and stops after its {@code @AfterEach} ones.
 *
 * <p>The server runs with {@link ServerConfig#of} unless the test gives the configuration it
 * needs ({@code new TestServer(dataDir -> new ServerConfig(...))}). A test asks for what it
 * speaks to the server with: its {@link #url()}, the {@link #adminToken()} of its first start, an
 * SDK {@link #client()} with that token, or {@link #call} for plain HTTP with that token.
 * {@link #restart()} stops the server and starts it again on the same files. Not thread-safe:
 * one test uses one instance.
 */
public class TestServer implements BeforeEachCallback, AfterEachCallback {
    private final Function<Path, ServerConfig> config;
    private Path folder;
    private ApiServer server;
    private String adminToken;
    private TunelabClient client;
    private HttpClient http;

    /** A server with {@link ServerConfig#of}: the embedded H2 database and the default settings. */
    public TestServer() {
        this(dataDir -> ServerConfig.of(dataDir, 0));
    }

    /** A server with the configuration {@code config} makes for the data directory; give it port 0. */
    public TestServer(Function<Path, ServerConfig> config) {
        this.config = config;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("tunelab-test-server");
        server = ApiServer.start(config.apply(dataDir()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            stop();
            if (http != null) {
                http.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Stops the server and starts it again on the same files (on a new free port); {@link #client()} reconnects. */
    public void restart() {
        stop();
        server = ApiServer.start(config.apply(dataDir()));
    }

    private void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The server itself, for what only it can do (tokens, its coordinator). */
    public ApiServer api() {
        return server;
    }

    /** The server's data directory: its H2 files and its admin token's file. */
    public Path dataDir() {
        return folder.resolve("data");
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return server.origin();
    }

    /** The admin token the first start wrote to its file. */
    public String adminToken() {
        if (adminToken == null) {
            try {
                adminToken = Files.readString(dataDir().resolve(ApiServer.ADMIN_TOKEN_FILE)).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return adminToken;
    }

    /** An SDK client with the admin token, opened on first use and closed after the test or at a restart. */
    public TunelabClient client() {
        if (client == null) {
            client = TunelabClient.connect(url(), adminToken());
        }
        return client;
    }

    /**
     * Sends a request with the admin token and answers the reply. A body starting with
     * <code>{</code> goes as JSON, any other as YAML; {@code null} sends none.
     */
    public Reply call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, Map.of());
    }

    /** {@link #call(String, String, String)} with more headers. */
    public Reply call(String method, String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + adminToken());
        if (body != null) {
            // A spec that is not JSON is YAML; every other route reads JSON alone.
            boolean yaml = path.equals("/api/experiments") && !body.strip().startsWith("{") && !body.strip().startsWith("[");
            request.header("Content-Type", yaml ? "application/yaml" : "application/json");
        }
        headers.forEach(request::setHeader);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (http == null) {
            http = HttpClient.newHttpClient();
        }
        return new Reply(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** How many experiments the server holds in memory, as its metrics say ({@code tunelab_experiments_loaded}). */
    public int loadedExperiments() throws IOException, InterruptedException {
        String metrics = call("GET", "/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("tunelab_experiments_loaded ")).findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).orElseThrow();
    }

    /** A reply to {@link #call}, with its body read as JSON on demand. */
    public record Reply(HttpResponse<String> response) {
        public int status() {
            return response.statusCode();
        }

        public String body() {
            return response.body();
        }

        /** The body as a JSON object. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return Json.read(body(), Map.class);
        }

        /** The body as a JSON array of objects. */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list() {
            return Json.read(body(), List.class);
        }

        /** The body as a JSON array of any values. */
        @SuppressWarnings("unchecked")
        public List<Object> array() {
            return Json.read(body(), List.class);
        }

        /** An error reply: this status and code, a message containing {@code messagePart}, no stack trace. */
        public void assertError(int status, ErrorCode code, String messagePart) {
            assertThat(status()).as(body()).isEqualTo(status);
            Map<String, Object> error = json();
            assertThat(error.get("code")).isEqualTo(code.name());
            assertThat((String) error.get("message")).contains(messagePart);
            assertThat(body()).doesNotContain("at io.tunelab").doesNotContain("Exception:");
        }
    }
}
