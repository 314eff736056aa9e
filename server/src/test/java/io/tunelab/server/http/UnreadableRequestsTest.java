package io.tunelab.server.http;

import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests HTTP's decoder cannot read (a request line or headers past the server's limits, a
 * negative Content-Length) are answered as every other refusal is: the JSON error body and the
 * security headers, and nothing changes; the server goes on answering.
 */
class UnreadableRequestsTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void anOverlongLineOrHeaderOrABrokenLengthGetsTheJsonErrorAndTheSecurityHeaders() throws Exception {
        var raw = new RawHttp(server.port());
        var bearer = Map.of("Authorization", "Bearer " + server.adminToken());

        assertUnreadable(raw.send("GET", "/api/experiments/" + "x".repeat(10_000), bearer, (String) null), 414,
                "the request line (method, path and query) is longer than the 4096 bytes this server reads");
        assertUnreadable(raw.send("GET", "/api/experiments", Map.of("Authorization", "Bearer " + server.adminToken(),
                "X-Padding", "p".repeat(20_000)), (String) null), 431, "the request's headers are larger than the 8192 bytes");
        assertUnreadable(raw.send("POST", "/api/experiments", Map.of("Authorization", "Bearer " + server.adminToken(),
                "Content-Type", "application/json", "Content-Length", "-1"), "{\"name\": \"never\"}"), 400,
                "the request is not HTTP/1.1 this server can read");

        assertThat(server.call("GET", "/api/experiments", null).body()).doesNotContain("never");
        assertThat(raw.send("GET", "/health", Map.of(), (String) null).status()).isEqualTo(200);
    }

    private static void assertUnreadable(RawHttp.Reply reply, int status, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json");
        assertThat(reply.header("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'");
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.json()).containsEntry("code", "INVALID_ARGUMENT");
        assertThat((String) reply.json().get("message")).startsWith(message);
    }
}
