package io.tunelab.experiments.quality;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.client.TunelabClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** Drives a real server through the SDK, exactly as a user's ask/tell loop does. */
final class SdkDriver implements Driver {
    private final TunelabClient client;

    private SdkDriver(TunelabClient client) {
        this.client = client;
    }

    static SdkDriver connect(String url) {
        if (url == null) {
            throw new IllegalArgumentException("give --server http://127.0.0.1:PORT (a server started with "
                    + "./tunelab server --port PORT --data-dir DIR), or --in-process");
        }
        return new SdkDriver(TunelabClient.connect(url));
    }

    @Override
    public Session launch(ExperimentSpec spec) {
        var experiment = client.launch(spec);
        return Session.of(experiment::ask, experiment::tell);
    }

    /** Reads tunelab_strategy_propose_seconds_{count,sum} from the server's Prometheus scrape. */
    @Override
    public double[] proposeTotals() {
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(client.url().resolve("/metrics")).build(),
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

    @Override
    public void close() {
        client.close();
    }
}
