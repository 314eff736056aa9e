package io.tunelab.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the client's connections do beyond one request and its reply: TLS as the JVM trusts it,
 * with the host name checked; a lease's long poll that an interrupt ends; a server that cannot
 * be reached handing the request to the next one. Against small in-process HTTP(S) servers.
 */
class TransportTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private String start(HttpServer s) {
        server = s;
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return (s instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void anInterruptEndsALeaseThatTheServerHoldsOpen() throws Exception {
        var held = new CountDownLatch(1);
        var s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/leases", exchange -> {
            held.countDown();
            try {
                release.await(); // the server answers only after the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 204, "");
        });
        String url = start(s);
        var outcome = new AtomicReference<Throwable>();
        var stillInterrupted = new AtomicBoolean();
        try (var client = TunelabClient.connect(url, "tl_worker")) {
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    client.lease(new LeaseRequest("w", List.of("dl4j"), 60));
                } catch (Throwable t) {
                    outcome.set(t);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            held.await();
            worker.interrupt();
            worker.join(30_000);

            assertThat(worker.isAlive()).as("the lease still waits for the server").isFalse();
            assertThat(outcome.get()).isInstanceOfSatisfying(TunelabException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("interrupted");
            assertThat(stillInterrupted).as("the thread keeps its interrupt").isTrue();
        }
    }

    @Test
    void aRequestThatCannotConnectGoesOnToTheNextServerEvenWhenItMayNotBeRepeated() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/leases", exchange -> answer(exchange, 204, ""));
        String live = start(s);
        try (var client = TunelabClient.connect("http://127.0.0.1:" + closed + "," + live, "tl_worker")) {
            assertThat(client.lease(new LeaseRequest("w", List.of("dl4j"), 0))).isEmpty();
            assertThat(client.url()).isEqualTo(URI.create(live));
        }
    }

    @Test
    void httpsTrustsWhatTheJvmTrustsAndChecksTheHostName() throws Exception {
        KeyStore keys = selfSigned();
        var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        var s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        s.createContext("/api/session", exchange -> answer(exchange, 200, "{\"name\": \"admin\", \"scopes\": [\"admin\"]}"));
        int port = URI.create(start(s)).getPort();

        try (var untrusting = TunelabClient.connect("https://localhost:" + port, "tl_secret")) {
            assertThatThrownBy(untrusting::session).isInstanceOfSatisfying(TunelabException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasCauseInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX");
        }
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("tunelab", keys.getCertificate("tunelab"));
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(clientTls); // as -Djavax.net.ssl.trustStore would make it
        try (var client = TunelabClient.connect("https://localhost:" + port, "tl_secret");
             var byAddress = TunelabClient.connect("https://127.0.0.1:" + port, "tl_secret")) {
            assertThat(client.session()).containsEntry("name", "admin");
            assertThatThrownBy(byAddress::session).as("the certificate names localhost, not 127.0.0.1")
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    /** A key pair and a certificate for the name localhost, made by the JDK's keytool. */
    private KeyStore selfSigned() throws Exception {
        Path file = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "tunelab", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    @Test
    void aReplyIsReadWholeWhetherItsLengthIsAnnouncedOrNot() throws Exception {
        String name = "x".repeat(40_000);
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        var s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/session", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = ("{\"name\": \"" + name + "\", \"call\": " + calls.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            // The first reply announces its length, the second does not (sent chunked).
            exchange.sendResponseHeaders(200, calls.get() == 1 ? bytes.length : 0);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        String url = start(s);
        try (var client = TunelabClient.connect(url, "tl_admin")) {
            assertThat(client.session()).containsEntry("name", name).containsEntry("call", 1);
            assertThat(client.session()).containsEntry("name", name).containsEntry("call", 2);
        }
    }

    @Test
    void aBodyOfAnnouncedLengthIsReadToThatLengthAndOneThatEndsEarlyFails() throws Exception {
        byte[] small = "{\"trial\": 1}".getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[40_000];
        java.util.Arrays.fill(large, (byte) 'y');
        assertThat(Transport.read(new java.io.ByteArrayInputStream(small), small.length)).isEqualTo(small);
        assertThat(Transport.read(new java.io.ByteArrayInputStream(large), large.length)).isEqualTo(large);
        assertThat(Transport.read(new java.io.ByteArrayInputStream(large), -1)).isEqualTo(large);
        assertThat(Transport.read(new java.io.ByteArrayInputStream(new byte[0]), 0)).isEmpty();
        assertThatThrownBy(() -> Transport.read(new java.io.ByteArrayInputStream(small), small.length + 5))
                .isInstanceOf(java.io.EOFException.class).hasMessage("the reply ended after 12 of the 17 bytes it announced");
    }

    @Test
    void withNoProxyConfiguredRequestsGoStraightToTheServerWithoutAskingTheSelector() {
        ProxySelector jdkOwn = ProxySelector.getDefault();
        assertThat(jdkOwn.getClass().getName()).as("the JDK's own selector, in a test JVM with no proxy set")
                .isEqualTo("sun.net.spi.DefaultProxySelector");

        assertThat(Transport.direct(jdkOwn, new Properties())).isTrue();
        for (String property : List.of("http.proxyHost", "https.proxyHost", "socksProxyHost")) {
            var system = new Properties();
            system.setProperty(property, "proxy.example");
            assertThat(Transport.direct(jdkOwn, system)).as(property).isFalse();
        }
        var system = new Properties();
        system.setProperty("java.net.useSystemProxies", "true");
        assertThat(Transport.direct(jdkOwn, system)).isFalse();
        system.setProperty("java.net.useSystemProxies", "false");
        system.setProperty("http.proxyHost", " ");
        assertThat(Transport.direct(jdkOwn, system)).isTrue();
        assertThat(Transport.direct(null, new Properties())).as("no selector at all").isFalse();
    }

    @Test
    void aProxyThatASelectorOfTheApplicationNamesCarriesTheRequests() throws Exception {
        var seen = new AtomicReference<String>();
        var proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            seen.set(exchange.getRequestURI().toString());
            answer(exchange, 200, "{}");
        });
        start(proxy);
        var selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, proxy.getAddress()));
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress address, IOException e) {
            }
        };

        try (var transport = new Transport(null, selector, new Properties())) {
            var reply = transport.exchange(URI.create("http://tunelab.example:8080"), Transport.Request.of("GET", "/api/session"), true);

            assertThat(reply.status()).isEqualTo(200);
        }
        assertThat(seen.get()).as("a proxy is sent the whole URL").isEqualTo("http://tunelab.example:8080/api/session");
    }
}
