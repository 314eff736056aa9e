package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.RequestId;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several server URLs: how they are read, and which requests may go on to the next server after a dropped connection. */
class ServersTest {

    @Test
    void severalUrlsAreReadInOrderAndTheFirstIsTriedFirst() {
        Servers servers = Servers.parse("http://a:8080/, http://b:8081");
        assertThat(servers.all()).containsExactly(URI.create("http://a:8080"), URI.create("http://b:8081"));
        assertThat(servers.current()).isEqualTo(URI.create("http://a:8080"));
    }

    @Test
    void aBadUrlAmongSeveralIsNamedInTheError() {
        assertThatThrownBy(() -> Servers.parse("http://a:8080,,http://b:8081"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("server URL \"\" is not valid").hasMessageContaining("several separated by commas");
        assertThatThrownBy(() -> TunelabClient.connect("http://a:8080,not a url", null))
                .hasMessageContaining("\"not a url\"");
    }

    @Test
    void onlyRequestsThatMayBeRepeatedGoOnAfterADroppedConnection() {
        var base = URI.create("http://a:8080/api");
        assertThat(Servers.repeatable(HttpRequest.newBuilder(URI.create(base + "/trials/1")).GET().build())).isTrue();
        assertThat(Servers.repeatable(post(base + "/trials/1/heartbeat"))).isTrue();
        assertThat(Servers.repeatable(post(base + "/trials/1/reports"))).isTrue();
        assertThat(Servers.repeatable(post(base + "/leases"))).as("a lease would be handed out twice").isFalse();
        assertThat(Servers.repeatable(post(base + "/trials/1/result"))).as("a tell without a request id").isFalse();
        assertThat(Servers.repeatable(HttpRequest.newBuilder(URI.create(base + "/trials/1/result")).header(RequestId.HEADER, "r-1")
                .POST(HttpRequest.BodyPublishers.noBody()).build())).isTrue();
    }

    private static HttpRequest post(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
