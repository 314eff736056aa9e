package io.tunelab.client;

import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** A lost connection is said in words: the message a user reads never names an exception's class. */
class ServersLostTest {
    @Test
    void aLostConnectionIsSaidInWords() {
        assertThat(Servers.lost(new NoHttpResponseException("The target server failed to respond")))
                .isEqualTo("it closed the connection without answering: it may have stopped or restarted");
        assertThat(Servers.lost(new SocketTimeoutException("Read timed out"))).isEqualTo("no answer in time");
        assertThat(Servers.lost(new IOException("Connection reset"))).isEqualTo("Connection reset");
        assertThat(Servers.lost(new IOException())).isEqualTo("the connection broke");
    }
}
