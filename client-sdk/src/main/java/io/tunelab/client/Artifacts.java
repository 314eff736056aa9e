package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.FileEntity;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        if (!Files.isReadable(file)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot read artifact file " + file);
        }
        // Streamed from the file as it is sent, with its length up front.
        return upload(trialId, leaseId, name, new FileEntity(file.toFile(), Transport.OCTETS));
    }

    /** Attaches the bytes to the trial under {@code name} (replacing an artifact of that name); {@code leaseId} may be null. */
    public Artifact upload(long trialId, String leaseId, String name, byte[] content) {
        return upload(trialId, leaseId, name, new ByteArrayEntity(content, Transport.OCTETS));
    }

    private Artifact upload(long trialId, String leaseId, String name, HttpEntity body) {
        Artifact.checkName(name);
        String query = leaseId == null ? "" : "?leaseId=" + TunelabClient.encode(leaseId);
        var request = new Transport.Request("PUT", path(trialId) + "/" + TunelabClient.encode(name) + query, body, null);
        return client.decode(client.exchange(request, true), Artifact.class);
    }

    /** The trial's artifacts in name order. */
    public List<Artifact> list(long trialId) {
        return client.send("GET", path(trialId), null, new TypeReference<List<Artifact>>() { });
    }

    /** Writes the artifact's content to {@code out}; nothing is written when the server refuses. */
    public void download(long trialId, String name, OutputStream out) {
        Artifact.checkName(name);
        client.download(Transport.Request.of("GET", path(trialId) + "/" + TunelabClient.encode(name)), out,
                "the download of artifact \"" + name + "\"");
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
