package io.tunelab.experiments.support;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The namespaces the team's kill test runs its workers and client in: a process in one reaches a
 * server on the bridge's address and not one on the host's loopback, and closing removes them;
 * where the machine allows none, the loopback is answered with the reason.
 */
@Tag("slow")
class NetworkNamespacesTest {

    @Test
    void aProcessInANamespaceReachesTheBridgeAndNotTheHostsLoopback() throws Exception {
        List<String> prefix;
        try (var network = NetworkNamespaces.orLoopback(1)) {
            if (!network.isolated()) {
                assertThat(network.reason()).isNotBlank();
                assertThat(network.host()).isEqualTo("127.0.0.1");
                assertThat(network.prefix(0)).isEmpty();
                return;
            }
            prefix = network.prefix(0);
            try (var onBridge = new ServerSocket(0, 5, InetAddress.getByName(network.host()));
                 var onLoopback = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                assertThat(connects(prefix, network.host(), onBridge.getLocalPort())).isTrue();
                assertThat(connects(prefix, "127.0.0.1", onLoopback.getLocalPort())).as("the namespace has its own loopback").isFalse();
                assertThat(connects(List.of(), "127.0.0.1", onLoopback.getLocalPort())).as("the host reaches it").isTrue();
            }
        }
        assertThat(run(List.of("ip", "netns", "list"))).doesNotContain(prefix.getLast());
    }

    /** Whether bash, run after {@code prefix}, opens a TCP connection to host:port. */
    private static boolean connects(List<String> prefix, String host, int port) throws Exception {
        var command = new ArrayList<>(prefix);
        command.addAll(List.of("timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
