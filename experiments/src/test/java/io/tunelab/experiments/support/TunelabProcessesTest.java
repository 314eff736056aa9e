package io.tunelab.experiments.support;

import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses.ServerProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that gets the port of one stopped before it in the same JVM gets a worker token of its
 * own database, not the stopped server's (which it would refuse, and its workers with it).
 */
@Tag("slow")
class TunelabProcessesTest {
    @TempDir
    Path dir;

    @Test
    void aServerOnTheStoppedServersPortGetsAWorkerTokenItAccepts() throws Exception {
        String first;
        int port;
        try (ServerProcess stopped = TunelabProcesses.startServer(dir.resolve("a"))) {
            first = stopped.workerToken();
            port = URI.create(stopped.url()).getPort();
        }
        try (ServerProcess next = TunelabProcesses.startServer(dir.resolve("b"), port);
             TunelabClient worker = TunelabClient.connect(next.url(), next.workerToken())) {
            assertThat(next.url()).endsWith(":" + port);
            assertThat(next.workerToken()).isNotEqualTo(first);
            assertThat(worker.session()).containsKey("scopes");
        }
    }
}
