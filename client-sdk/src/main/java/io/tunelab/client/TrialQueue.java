package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.EnqueueRequest;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialImport;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        var request = client.request(path(ref) + "/enqueue").header("Content-Type", "application/json")
                .header(RequestId.HEADER, RequestId.random()).POST(HttpRequest.BodyPublishers.ofString(Json.write(EnqueueRequest.of(params))))
                .build();
        return read(client.check(client.execute(request, HttpResponse.BodyHandlers.ofString())), Trial.class);
    }

    /** The configurations still queued, first out first. */
    public List<Trial> queued(String ref) {
        return client.send("GET", path(ref) + "/queue", null, new TypeReference<>() { });
    }

    /** Imports the finished rows of {@code csv} (the layout {@code GET …/trials.csv} writes): all of them, or none. */
    public TrialImport importCsv(String ref, String csv) {
        var request = client.request(path(ref) + "/import").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)).build();
        return read(client.check(client.execute(request, HttpResponse.BodyHandlers.ofString())), TrialImport.class);
    }

    private static <T> T read(HttpResponse<String> r, Class<T> type) {
        try {
            return Json.mapper().readValue(r.body(), type);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server answered with something that is not Tunelab JSON");
        }
    }

    private static String path(String ref) {
        return "/api/experiments/" + TunelabClient.encode(ref) + "/trials";
    }
}
