package io.tunelab.experiments.quality;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.experiments.support.TunelabProcesses.ServerProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drives a real server through the SDK, exactly as a user's ask/tell loop does: a server
 * someone started ({@link #connect}), or one of the benchmark's own ({@link #startOwnServer}),
 * started from the built server jar with its data in a temporary folder and removed on close.
 *
 * <p>The strategies live in the server, and nothing depends on the server, so the benchmark
 * always reaches them over HTTP; the server's own propose timer ({@link #proposeTotals}) still
 * gives the strategies' time apart from the round trip.
 */
public final class SdkDriver implements AutoCloseable {
    private final TunelabClient client;
    private final ServerProcess ownServer;
    private final Path ownData;

    private SdkDriver(TunelabClient client, ServerProcess ownServer, Path ownData) {
        this.client = client;
        this.ownServer = ownServer;
        this.ownData = ownData;
    }

    public static SdkDriver connect(String url) {
        if (url == null) {
            throw new IllegalArgumentException("give --server http://127.0.0.1:PORT (a server started with "
                    + "./tunelab server --port PORT --data-dir DIR), or --own-server to let the benchmark start one");
        }
        return new SdkDriver(TunelabClient.connect(url, System.getenv("TUNELAB_TOKEN")), null, null);
    }

    /** Starts a server of the benchmark's own on a free port, its data in a new temporary folder. */
    public static SdkDriver startOwnServer() throws IOException {
        Path data = Files.createTempDirectory("tunelab-quality-");
        try {
            ServerProcess server = TunelabProcesses.startServer(data.resolve("data"));
            return new SdkDriver(server.client(), server, data);
        } catch (IOException | RuntimeException e) {
            Scratch.delete(data);
            throw e;
        }
    }

    /** Creates the experiment; the benchmark asks and tells on the handle. */
    public ExperimentHandle launch(ExperimentSpec spec) {
        return client.launch(spec);
    }

    /**
     * The server's propose timer so far, {count, total seconds}, from
     * tunelab_strategy_propose_seconds_{count,sum} of its Prometheus scrape.
     */
    double[] proposeTotals() {
        try (var http = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(client.url().resolve("/metrics"));
            if (ownServer != null) {
                request.header("Authorization", "Bearer " + ownServer.adminToken());
            } else if (System.getenv("TUNELAB_TOKEN") != null) {
                request.header("Authorization", "Bearer " + System.getenv("TUNELAB_TOKEN"));
            }
            var response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            double[] totals = new double[2];
            for (String line : response.body().split("\n")) {
                if (line.startsWith("tunelab_strategy_propose_seconds_count")) {
                    totals[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("tunelab_strategy_propose_seconds_sum")) {
                    totals[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return totals;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Closes the client; an own server is stopped and its data deleted. */
    @Override
    public void close() throws InterruptedException {
        client.close();
        if (ownServer != null) {
            ownServer.close();
            Scratch.delete(ownData);
        }
    }
}
