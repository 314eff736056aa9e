package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.EnqueueRequest;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;

import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Trials an experiment's strategy did not propose, through one client: configurations enqueued
 * to be handed out next (Optuna's {@code enqueue_trial}), the queue as it is, and finished trials
 * imported from a CSV in the layout of the trials export. Thread-safe, as the client is.
 */
public final class TrialQueue {
    private final TunelabClient client;

    private TrialQueue(TunelabClient client) {
        this.client = client;
    }

    public static TrialQueue of(TunelabClient client) {
        return new TrialQueue(client);
    }

    /**
     * Enqueues a configuration of experiment {@code ref} (name or id); params left out are filled
     * from the strategy's proposal. Answers the WAITING trial the next ask will hand out.
     */
    public Trial enqueue(String ref, Map<String, Object> params) {
        // Under a request id, so that a retry on another coordinator enqueues once.
        var request = new Transport.Request("POST", path(ref) + "/enqueue", TunelabClient.json(Json.writeBytes(EnqueueRequest.of(params))),
                RequestId.random());
        return Replies.read(client.url(), client.check(client.exchange(request, true)).body(), Json.mapper().constructType(Trial.class));
    }

    /** The configurations still queued, first out first. */
    public List<Trial> queued(String ref) {
        return client.send("GET", path(ref) + "/queue", null, new TypeReference<>() { });
    }

    /** Imports the finished rows of {@code csv} (the layout {@code GET …/trials.csv} writes): all of them, or none. */
    public TrialImport importCsv(String ref, String csv) {
        var request = new Transport.Request("POST", path(ref) + "/import",
                new ByteArrayEntity(csv.getBytes(StandardCharsets.UTF_8), Transport.CSV), null);
        return Replies.read(client.url(), client.check(client.exchange(request, true)).body(), Json.mapper().constructType(TrialImport.class));
    }

    private static String path(String ref) {
        return "/api/experiments/" + TunelabClient.encode(ref) + "/trials";
    }
}
