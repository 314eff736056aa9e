package io.tunelab.server.http;

import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} on a real server: the coordinator's meters (trials by state, asks, expired
 * leases, the embedded database's group commits and the writes they carried), Vert.x's HTTP meters by route pattern and status, and the JVM's, in Prometheus' text
 * format; the raw paths with ids never become labels.
 */
class MetricsTest {
    @RegisterExtension
    final TestServer server = new TestServer(dataDir -> new ServerConfig("127.0.0.1", 0, dataDir, Durability.PROCESS,
            new CoordinatorConfig(Duration.ofMillis(300), 3, Duration.ofMillis(50))));

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return server.call(method, path, body).response();
    }

    private static double sample(String exposition, String series) {
        var m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(m.find()).as(series + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theMetricsCountTrialsByStateAsksExpiredLeasesAndRequestsByRoute() throws Exception {
        assertThat(call("POST", "/api/experiments", """
                name: metered
                objective: {metric: loss, direction: minimize}
                space: {x: {type: float, low: 0, high: 1}}
                budget: {trials: 10}
                """).statusCode()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            String id = call("POST", "/api/experiments/metered/trials", null).body().replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1");
            assertThat(call("POST", "/api/trials/" + id + "/result", "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}")
                    .statusCode()).isEqualTo(200);
        }
        assertThat(call("POST", "/api/experiments/metered/trials", "{\"lease\": true}").statusCode()).isEqualTo(201);
        assertThat(call("GET", "/api/trials/999999", null).statusCode()).isEqualTo(404);
        String metrics = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos(); System.nanoTime() < deadline; Thread.sleep(100)) {
            metrics = call("GET", "/metrics", null).body();
            // The expiry is counted once its trial is back to WAITING, but one scrape reads its
            // meters one after another: the gauges may be read before an expiry the counter shows.
            if (metrics.contains("tunelab_leases_expired_total 1.0") && sample(metrics, "tunelab_trials{state=\"WAITING\"}") == 1.0) {
                break;
            }
        }
        assertThat(sample(metrics, "tunelab_leases_expired_total")).as("the silent lease expired once").isEqualTo(1.0);
        assertThat(sample(metrics, "tunelab_trials{state=\"COMPLETE\"}")).isEqualTo(3.0);
        assertThat(sample(metrics, "tunelab_trials{state=\"WAITING\"}")).as("back to WAITING after its lease expired").isEqualTo(1.0);
        assertThat(sample(metrics, "tunelab_trials{state=\"RUNNING\"}")).isZero();
        assertThat(sample(metrics, "tunelab_ask_seconds_count")).isEqualTo(4.0);
        // Every ask and tell above was written and committed: at least one commit each, one write each.
        double commits = sample(metrics, "tunelab_storage_commits_total");
        assertThat(commits).as("the writer's group commits").isGreaterThanOrEqualTo(1.0);
        assertThat(sample(metrics, "tunelab_storage_commit_writes_total")).as("writes carried by those commits")
                .isGreaterThanOrEqualTo(Math.max(commits, 8.0));
        assertThat(sample(metrics, "tunelab_storage_syncs_total")).as("no fsync with the default --durability process").isZero();
        assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
                "jvm_gc_max_data_size_bytes");
        assertThat(metrics).containsPattern("vertx_http_server_requests_total\\{[^}]*code=\"201\"[^}]*method=\"POST\"[^}]*route=\"[^\"]*/api/experiments/:ref/trials\"");
        assertThat(metrics).containsPattern("vertx_http_server_requests_total\\{[^}]*code=\"404\"[^}]*route=\"[^\"]*/api/trials/:id\"");
        assertThat(metrics).as("no raw path with an id becomes a label").doesNotContain("/api/trials/999999");
        // Each pool its own gauges: unlabelled, the second pool's were dropped with a warning at start.
        assertThat(metrics).containsPattern("vertx_pool_in_use\\{pool_name=\"vert.x-worker-thread\",pool_type=\"worker\"}")
                .containsPattern("vertx_pool_in_use\\{pool_name=\"vert.x-internal-blocking\",pool_type=\"worker\"}");
    }

    /** Vert.x re-registers its gauges at every connection by design; Micrometer's warning about it is dropped, others kept. */
    @Test
    void aServersFirstConnectionsLogNoWarningAboutVertxGauges() throws Exception {
        var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        var logger = context.getLogger(VertxGaugeRegistrations.LOGGER);
        var seen = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        seen.start();
        logger.addAppender(seen);
        try {
            for (int i = 0; i < 3; i++) { // a new connection each time
                var client = java.net.http.HttpClient.newHttpClient();
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/health")).build();
                assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                client.close();
            }
            assertThat(call("GET", "/api/experiments", null).statusCode()).isEqualTo(200);
            logger.warn("This Gauge has been already registered (MeterId{name='vertx.http.server.active.requests', tags=[]}), "
                    + "the registration will be ignored.");
            logger.warn("This Gauge has been already registered (MeterId{name='tunelab.trials', tags=[]}), "
                    + "the registration will be ignored.");
            assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .noneMatch(m -> m.contains("name='vertx."))
                    .anyMatch(m -> m.contains("name='tunelab.trials'"));
        } finally {
            logger.detachAppender(seen);
        }
    }
}
