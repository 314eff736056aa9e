package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files attached to trials, through one client: upload (streamed from a file, or from
 * bytes), list and download. An upload names the trial's lease when the caller holds one (as
 * {@link TrialContext#artifact} does inside {@code optimize}); a {@code write} token may leave it
 * out while the trial is not finished. Thread-safe, as the client is.
 */
public final class Artifacts {
    private final TunelabClient client;

    private Artifacts(TunelabClient client) {
        this.client = client;
    }

    public static Artifacts of(TunelabClient client) {
        return new Artifacts(client);
    }

    /** Attaches the file to the trial under {@code name} (replacing an artifact of that name); {@code leaseId} may be null. */
    public Artifact upload(long trialId, String leaseId, String name, Path file) {
        if (!Files.isRegularFile(file)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "artifact file " + file + " does not exist or is not a file");
        }
        try {
            return upload(trialId, leaseId, name, HttpRequest.BodyPublishers.ofFile(file));
        } catch (FileNotFoundException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot read artifact file " + file + ": " + e.getMessage());
        }
    }

    /** Attaches the bytes to the trial under {@code name} (replacing an artifact of that name); {@code leaseId} may be null. */
    public Artifact upload(long trialId, String leaseId, String name, byte[] content) {
        return upload(trialId, leaseId, name, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    private Artifact upload(long trialId, String leaseId, String name, HttpRequest.BodyPublisher body) {
        Artifact.checkName(name);
        String query = leaseId == null ? "" : "?leaseId=" + TunelabClient.encode(leaseId);
        var request = client.request(path(trialId) + "/" + TunelabClient.encode(name) + query)
                .header("Content-Type", "application/octet-stream").PUT(body).build();
        HttpResponse<String> r = client.check(client.execute(request, HttpResponse.BodyHandlers.ofString()));
        try {
            return io.tunelab.api.Json.mapper().readValue(r.body(), Artifact.class);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the server at " + client.url() + " answered with something that is not Tunelab JSON");
        }
    }

    /** The trial's artifacts in name order. */
    public List<Artifact> list(long trialId) {
        return client.send("GET", path(trialId), null, new TypeReference<List<Artifact>>() { });
    }

    /** Writes the artifact's content to {@code out}; nothing is written when the server refuses. */
    public void download(long trialId, String name, OutputStream out) {
        Artifact.checkName(name);
        var request = client.request(path(trialId) + "/" + TunelabClient.encode(name)).GET().build();
        HttpResponse<InputStream> r = client.execute(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            if (r.statusCode() >= 400) {
                throw client.error(r.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            body.transferTo(out);
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.UNAVAILABLE, "the download of artifact \"" + name + "\" stopped: " + e, Map.of(), e);
        }
    }

    /** The artifact's content as bytes. */
    public byte[] download(long trialId, String name) {
        var out = new java.io.ByteArrayOutputStream();
        download(trialId, name, out);
        return out.toByteArray();
    }

    private static String path(long trialId) {
        return "/api/trials/" + trialId + "/artifacts";
    }
}
