package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.Json;

import java.util.List;
import java.util.Map;

/**
 * Keeping a server's experiments in order, through one client: list them by tag and archived
 * flag, rename, tag, annotate or archive one ({@link #update}), delete one with everything of it,
 * clone one as a new experiment. {@link ExperimentHandle} offers the same for its experiment.
 * Thread-safe, as the client is.
 */
public final class Catalog {
    private final TunelabClient client;

    private Catalog(TunelabClient client) {
        this.client = client;
    }

    public static Catalog of(TunelabClient client) {
        return new Catalog(client);
    }

    /** The summaries carrying {@code tag} (any when null), archived ones only when {@code withArchived}. */
    public List<ExperimentSummary> list(String tag, boolean withArchived) {
        var query = new StringBuilder(withArchived ? "" : "archived=false");
        if (tag != null) {
            query.append(query.isEmpty() ? "" : "&").append("tag=").append(TunelabClient.encode(tag));
        }
        return client.send("GET", "/api/experiments" + (query.isEmpty() ? "" : "?" + query), null, new TypeReference<>() { });
    }

    /** Applies each field the patch sets (name, tags, notes, archived); the token is recorded as the experiment's updatedBy. */
    public Experiment update(String ref, ExperimentPatch patch) {
        return client.send("PATCH", path(ref), Json.write(patch), Experiment.class);
    }

    /** Deletes the experiment with its trials, reports, models and artifacts; a RUNNING one must be paused or stopped first. */
    public void delete(String ref) {
        client.send("DELETE", path(ref), null, new TypeReference<Map<String, Object>>() { });
    }

    /** A new experiment named {@code name} with the spec, tags and notes of {@code ref}, and none of its trials. */
    public Experiment copy(String ref, String name) {
        return client.send("POST", path(ref) + "/clone", Json.write(Map.of("name", name)), Experiment.class);
    }

    private static String path(String ref) {
        return "/api/experiments/" + TunelabClient.encode(ref);
    }
}
