package io.tunelab.server;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code optimize()} goes on through a restart of its server: the asks and tells it makes while
 * the server is down are sent again under their request ids once it is back, so every trial is
 * told once and the loop finishes its count. Before, the first request the server did not answer
 * ended the loop with an exception, and the result being told was never recorded.
 */
class OptimizeThroughARestartTest {
    @Test
    void optimizeRidesOutAServerRestartAndTellsEveryTrialOnce(@TempDir Path dir) throws Exception {
        var server = new AtomicReference<>(ApiServer.start(ServerConfig.of(dir, 0)));
        int port = server.get().port();
        String token = server.get().newAdminToken().orElseThrow();
        var restarted = new CountDownLatch(1);
        try (var client = TunelabClient.connect(server.get().origin(), token)) {
            ExperimentHandle handle = client.launch(ExperimentSpec.builder("restarted").minimize("loss")
                    .param("x", FloatParam.of(0, 1)).trials(8).build());
            int finished = handle.optimize(t -> {
                if (t.number() == 2) {
                    // The server goes away while this trial is evaluated, and comes back on its port a little later.
                    Thread.ofPlatform().start(() -> {
                        server.get().close();
                        try {
                            Thread.sleep(1500);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        server.set(ApiServer.start(ServerConfig.of(dir, port)));
                        restarted.countDown();
                    });
                    Thread.sleep(500);
                }
                return t.floatParam("x");
            }, 8, 2);

            assertThat(restarted.await(1, TimeUnit.MINUTES)).isTrue();
            assertThat(finished).isEqualTo(8);
            List<Trial> trials = client.trials("restarted");
            assertThat(trials).hasSize(8).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
            assertThat(trials).extracting(Trial::number).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        } finally {
            server.get().close();
        }
    }
}
