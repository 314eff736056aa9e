package io.tunelab.server.experiment;

import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredTrial;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files attached to trials: plots, logs, checkpoints. Content is stored once per SHA-256;
 * an artifact names it for one trial, and a second upload under the same name replaces the first.
 *
 * <p>Who may attach: while the trial is not finished, the holder of its live lease (the request
 * names the lease, as workers and the SDK's {@code optimize} do), or a caller with the
 * {@code write} scope that names no lease (a trial asked for without one). A finished trial
 * refuses new artifacts ({@code TRIAL_FINISHED}): its files stay as they were when it ended.
 * Thread-safe; every method may block.
 */
public final class TrialArtifacts {
    /** The most artifacts one trial may have. */
    public static final int MAX_PER_TRIAL = 1000;

    private final ExperimentRegistry registry;
    private final Journal journal;
    private final Storage storage;
    private final StorageClock clock;

    TrialArtifacts(ExperimentRegistry registry, Journal journal, Storage storage, StorageClock clock) {
        this.registry = registry;
        this.journal = journal;
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Attaches the uploaded {@code file} to a trial under {@code name}. {@code leaseId} is the
     * caller's lease, or null; {@code mayOmitLease} says whether the caller's scope lets it attach
     * without one. {@code by} names the token.
     */
    public Artifact put(long trialId, String name, String leaseId, boolean mayOmitLease, String by, Path file) {
        String lease = requireLease(name, leaseId, mayOmitLease);
        LiveExperiment e = registry.owner(trialId);
        FileDigest digest = FileDigest.of(file, "artifact");
        Artifact artifact = new Artifact(name, digest.size(), digest.sha256(), clock.instant(), by);
        return journal.record(e, x -> {
            requireRoom(trialId, name, trial(x, trialId, lease));
            return Journal.Entry.none().write(c -> c.putArtifact(trialId, artifact, file)).answering(artifact);
        });
    }

    /**
     * The refusals {@link #put} would answer that need no body, checked before the body is read
     * so a refused upload is not received first: a bad name, a missing or malformed lease, no such
     * trial, a finished one, one under another lease, a trial with no room for another artifact.
     * {@link #put} checks again under the experiment's lock, as a lease may be lost meanwhile.
     */
    public void checkPut(long trialId, String name, String leaseId, boolean mayOmitLease) {
        String lease = requireLease(name, leaseId, mayOmitLease);
        requireRoom(trialId, name, trial(registry.currentOwner(trialId), trialId, lease));
    }

    /** The lease the upload names (null for none) once the name and the lease are of the right form. */
    private static String requireLease(String name, String leaseId, boolean mayOmitLease) {
        Artifact.checkName(name);
        String lease = leaseId == null || leaseId.isBlank() ? null : leaseId;
        if (lease == null && !mayOmitLease) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a worker's artifact upload needs the trial's lease, as ?leaseId=…; "
                    + "only the holder of the trial's lease (or a write token) may attach files to it");
        }
        Transitions.requireLeaseIdForm(lease);
        return lease;
    }

    /** The trial, open to the holder of {@code lease} when it names one (a write token may name none). */
    private static StoredTrial trial(LiveExperiment e, long trialId, String lease) {
        return lease != null ? e.openTrial(trialId, lease) : e.trial(trialId);
    }

    /** Refuses an artifact for a finished trial, or one more than a trial may have (a new name on a full trial). */
    private void requireRoom(long trialId, String name, StoredTrial current) {
        Transitions.requireNotFinished(current.trial());
        List<Artifact> existing = storage.artifacts(trialId);
        if (existing.size() >= MAX_PER_TRIAL && existing.stream().noneMatch(a -> a.name().equals(name))) {
            throw TunelabException.of(ErrorCode.LIMIT_REACHED, "trial " + trialId + " has " + existing.size()
                    + " artifacts, the most a trial may have; replace one by uploading under its name, or bundle files into one",
                    Map.of("trial", trialId));
        }
    }

    /** The trial's artifacts in name order; NOT_FOUND for an unknown trial (or one whose experiment another coordinator deleted). */
    public List<Artifact> list(long trialId) {
        registry.currentOwner(trialId);
        return storage.artifacts(trialId);
    }

    /** The trial's artifact of that name; NOT_FOUND, naming what the trial has, when it has none. */
    public Artifact find(long trialId, String name) {
        Artifact.checkName(name);
        List<Artifact> all = list(trialId);
        return all.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow(() -> TunelabException.of(ErrorCode.NOT_FOUND,
                "trial " + trialId + " has no artifact \"" + name + "\"; it has " + all.stream().map(Artifact::name).toList(),
                Map.of("trial", trialId, "artifact", name)));
    }

    /** Writes an artifact's content to {@code out}. */
    public void copy(Artifact artifact, OutputStream out) throws IOException {
        if (!storage.copyArtifactContent(artifact.sha256(), out)) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "the content of artifact \"" + artifact.name() + "\" is gone (its experiment "
                    + "was deleted)", Map.of("artifact", artifact.name()));
        }
    }
}
