package io.tunelab.experiments.web;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.experiments.support.TunelabProcesses.ServerProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser logged in to a server that is killed (SIGKILL) and started again on the same port and
 * data directory stays logged in: the page shows the experiment again without the login form, and
 * its Pause button, which sends the session's anti-CSRF value, still works.
 */
@Tag("slow")
class SessionAfterRestartBrowserTest {
    @TempDir
    Path dir;

    @Test
    void aLoggedInBrowserStaysLoggedInAcrossAKillAndARestart() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = dir.resolve("data");
        String hash = "#/experiments/restarted";
        try (Browser browser = new Browser()) {
            ServerProcess first = TunelabProcesses.startServer(data, port);
            try (var client = first.client()) {
                ExperimentHandle sweep = client.launch(ExperimentSpec.builder("restarted").minimize("loss")
                        .param("x", FloatParam.of(0, 1)).trials(50).build());
                for (double loss : new double[] {0.4, 0.2, 0.3}) {
                    sweep.tell(sweep.ask().id(), Map.of("loss", loss));
                }
                browser.login(first.url(), first.adminToken());
                browser.open(first.url() + "/" + hash);
                browser.await("the leaderboard", () -> browser.findAll("#trials-table tbody tr[data-number]").size() == 3);
            } finally {
                first.kill();
            }

            try (ServerProcess again = TunelabProcesses.startServer(data, port); var client = again.client()) {
                assertThat(again.url()).isEqualTo(first.url());
                browser.driver.navigate().refresh();
                browser.await("the leaderboard after the restart", () -> browser.findAll("#trials-table tbody tr[data-number]").size() == 3);
                assertThat(browser.findAll("form.login")).as("no login form").isEmpty();
                assertThat(browser.text(".exp-head .badge")).isEqualTo("RUNNING");

                browser.click("#pause");
                browser.await("PAUSED", () -> "PAUSED".equals(browser.text(".exp-head .badge")));
                assertThat(client.describe("restarted").state()).isEqualTo(ExperimentState.PAUSED);
            }
        }
    }
}
