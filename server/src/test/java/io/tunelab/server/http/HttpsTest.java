package io.tunelab.server.http;

import io.tunelab.api.Json;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.cli.TunelabCommand;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.auth.AccessConfig;
import io.tunelab.server.storage.Durability;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --tls-cert/--tls-key} serve HTTPS with the given PEM pair, to clients that trust it; a
 * host beyond loopback without TLS or {@code --behind-proxy} does not start.
 */
class HttpsTest {
    @TempDir
    Path dir;

    private static HttpClient trusting(String certificatePem) throws Exception {
        var keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
        keyStore.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(certificatePem))) {
            keyStore.setCertificateEntry("tunelab", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    @Test
    void theServerAnswersOverHttpsToAClientThatTrustsItsCertificate() throws Exception {
        SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
        var access = new AccessConfig(List.of(), List.of(), Path.of(pair.certificatePath()), Path.of(pair.privateKeyPath()), false);
        try (ApiServer server = ApiServer.start(new ServerConfig("127.0.0.1", 0, dir, Durability.PROCESS,
                CoordinatorConfig.defaults(), access))) {
            assertThat(server.origin()).startsWith("https://");
            String base = "https://localhost:" + server.port();
            String token = server.newAdminToken().orElseThrow();
            try (HttpClient client = trusting(pair.certificatePath())) {
                var health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("UP");
                var login = client.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("token", token)))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).isEqualTo(200);
                assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("; Secure").containsIgnoringCase("HttpOnly"));
                var list = client.send(HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.body()).isEqualTo("[]");
            }
            try (HttpClient untrusting = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX");
            }
        }
    }

    @Test
    void aHostBeyondLoopbackWithoutTlsDoesNotStartAndSaysWhichFlagsWouldLetIt() {
        Path data = dir.resolve("data");
        var err = new StringWriter();
        int exit = TunelabCommand.commandLine().setErr(new PrintWriter(err))
                .execute("server", "--host", "0.0.0.0", "--port", "0", "--data-dir", data.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--host 0.0.0.0", "--tls-cert", "--tls-key", "--behind-proxy");
        assertThat(data).as("nothing was created").doesNotExist();
    }
}
