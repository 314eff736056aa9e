package io.tunelab.server.experiment;

import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredExperiment;
import io.tunelab.server.storage.StoredLoginCode;
import io.tunelab.server.storage.StoredSession;
import io.tunelab.server.storage.StoredToken;
import io.tunelab.server.storage.StoredTrial;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A storage that fails the next write when told to (as a full disk would), counts the writes that
 * went through and the stored files (models, artifact contents) read, and passes everything else on.
 */
final class FailingStorage implements Storage {
    private final Storage storage;
    private volatile boolean failNext;
    private volatile int passBeforeFailing = -1;
    private final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger filesRead = new java.util.concurrent.atomic.AtomicInteger();

    FailingStorage(Storage storage) {
        this.storage = storage;
    }

    /** The next write throws and writes nothing; the ones after it work again. */
    void failNextWrite() {
        failNext = true;
    }

    /** The write after the next {@code passing} ones throws and writes nothing. */
    void failWriteAfter(int passing) {
        passBeforeFailing = passing;
    }

    @Override
    public void write(Consumer<Changes> changes) {
        if (failsThisWrite()) {
            throw new IllegalStateException("the disk is full");
        }
        storage.write(changes);
        written.incrementAndGet();
    }

    /** Passed on to the storage's own, which completes on its writer thread; a failing write fails the future. */
    @Override
    public CompletableFuture<Void> writeLater(Consumer<Changes> changes) {
        if (failsThisWrite()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the disk is full"));
        }
        CompletableFuture<Void> gate = heldGate.getAndSet(null);
        CompletableFuture<Void> written = storage.writeLater(changes).thenRun(this.written::incrementAndGet);
        return gate == null ? written : written.thenCombine(gate, (w, g) -> null);
    }

    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> heldGate =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * The next write that does not wait is committed as usual but reported done only once the
     * answered future is completed: until then it is a write under way, whose rows the journal holds.
     */
    CompletableFuture<Void> holdNextWriteLater() {
        var gate = new CompletableFuture<Void>();
        heldGate.set(gate);
        return gate;
    }

    private boolean failsThisWrite() {
        if (passBeforeFailing == 0) {
            passBeforeFailing = -1;
            failNext = true;
        } else if (passBeforeFailing > 0) {
            passBeforeFailing--;
        }
        boolean fails = failNext;
        failNext = false;
        return fails;
    }

    /** How many writes (each one commit) went through so far. */
    int written() {
        return written.get();
    }

    /** How many times a stored model or artifact content was asked for so far, found or not. */
    int filesRead() {
        return filesRead.get();
    }

    @Override
    public io.tunelab.server.storage.ExperimentIndex index() {
        return storage.index();
    }

    @Override
    public Optional<String> answer(String requestId) {
        return storage.answer(requestId);
    }

    @Override
    public Optional<String> toldAnswer(long trialId, String requestId) {
        return storage.toldAnswer(trialId, requestId);
    }

    @Override
    public List<StoredExperiment> experiments() {
        return storage.experiments();
    }

    @Override
    public List<StoredTrial> trials(long experimentId) {
        return storage.trials(experimentId);
    }

    @Override
    public long maxTrialId() {
        return storage.maxTrialId();
    }

    @Override
    public long maxExperimentId() {
        return storage.maxExperimentId();
    }

    @Override
    public Optional<byte[]> model(long trialId) {
        return storage.model(trialId);
    }

    @Override
    public boolean copyModel(long trialId, java.io.OutputStream out) throws java.io.IOException {
        filesRead.incrementAndGet();
        return storage.copyModel(trialId, out);
    }

    @Override
    public java.util.OptionalLong modelBytes(long trialId) {
        return storage.modelBytes(trialId);
    }

    @Override
    public boolean copyFinalizationModel(long experimentId, java.io.OutputStream out) throws java.io.IOException {
        filesRead.incrementAndGet();
        return storage.copyFinalizationModel(experimentId, out);
    }

    @Override
    public Optional<String> dataReport(long experimentId) {
        return storage.dataReport(experimentId);
    }

    @Override
    public List<StoredToken> tokens() {
        return storage.tokens();
    }

    @Override
    public List<StoredSession> sessions(Instant now) {
        return storage.sessions(now);
    }

    @Override
    public Optional<StoredSession> session(String idHash) {
        return storage.session(idHash);
    }

    @Override
    public Optional<StoredLoginCode> loginCode(String codeHash) {
        return storage.loginCode(codeHash);
    }

    @Override
    public Optional<String> finalization(long experimentId) {
        return storage.finalization(experimentId);
    }

    @Override
    public Optional<String> labels(long experimentId) {
        return storage.labels(experimentId);
    }

    @Override
    public List<io.tunelab.api.Artifact> artifacts(long trialId) {
        return storage.artifacts(trialId);
    }

    @Override
    public boolean copyArtifactContent(String sha256, java.io.OutputStream out) throws java.io.IOException {
        filesRead.incrementAndGet();
        return storage.copyArtifactContent(sha256, out);
    }

    @Override
    public void close() {
        storage.close();
    }
}
