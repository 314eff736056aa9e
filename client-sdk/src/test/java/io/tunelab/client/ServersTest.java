package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.net.URI;

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
    void aSchemeOtherThanHttpOrAPortBeyondTheRangeIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> Servers.parse("ftp://a:8080")).isInstanceOf(TunelabException.class)
                .hasMessage("server URL \"ftp://a:8080\": a Tunelab server speaks http:// or https://, not ftp://");
        assertThatThrownBy(() -> TunelabClient.connect("http://a:8080,file://b/x", null)).hasMessageContaining("not file://");
        assertThatThrownBy(() -> Servers.parse("http://a:99999")).hasMessage("server URL \"http://a:99999\": port 99999 is beyond 65535");
        assertThat(Servers.parse("HTTPS://a:8443").all()).containsExactly(URI.create("HTTPS://a:8443"));
    }

    @Test
    void onlyRequestsThatMayBeRepeatedGoOnAfterADroppedConnection() {
        assertThat(Servers.repeatable(Transport.Request.of("GET", "/api/trials/1"))).isTrue();
        assertThat(Servers.repeatable(Transport.Request.of("PUT", "/api/trials/1/artifacts/model.bin"))).isTrue();
        assertThat(Servers.repeatable(Transport.Request.of("POST", "/api/trials/1/heartbeat"))).isTrue();
        assertThat(Servers.repeatable(Transport.Request.of("POST", "/api/trials/1/reports"))).isTrue();
        assertThat(Servers.repeatable(Transport.Request.of("POST", "/api/leases"))).as("a lease would be handed out twice").isFalse();
        assertThat(Servers.repeatable(Transport.Request.of("POST", "/api/trials/1/result"))).as("a tell without a request id").isFalse();
        assertThat(Servers.repeatable(new Transport.Request("POST", "/api/trials/1/result", null, "r-1"))).isTrue();
    }
}
