package io.tunelab.server.storage;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The part of the {@link Storage} contract about what hangs off experiments and trials: reports,
 * models (a trial's, and the refit model of a finalization) and data reports, tokens and who wrote, artifacts and their shared content, labels, and
 * deleting an experiment with all of it. An implementation extends {@link StorageContract}, which includes every case here; this
 * class also says how a case opens and reopens the storage under test.
 */
public abstract class StorageAttachmentsContract {
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    /** A fresh, empty storage. */
    protected abstract Storage open();

    /** The same storage closed and opened again. */
    protected abstract Storage reopen(Storage storage);

    protected static StoredExperiment experiment(long id, String name) {
        var spec = ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(10).build();
        return new StoredExperiment(id, name, ExperimentState.RUNNING, spec, 42, T0, T0, null, 0, T0, null, null);
    }

    protected static StoredTrial trial(long id, long experiment, int number) {
        var params = new LinkedHashMap<String, Object>();
        params.put("x", 0.25 * number);
        params.put("kind", "a");
        return StoredTrial.of(new Trial(id, experiment, number, params, TrialState.RUNNING, null, null, null, null, T0, T0,
                null, "w:1", null, null, null));
    }

    @Test
    void reportsReadBackInStepOrderWithTheirTrialOnly() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(trial(1, 1, 0));
            c.insert(trial(2, 1, 1));
        });
        s.write(c -> c.insertReport(1, new Report(3, Map.of("loss", 0.3), T0)));
        s.write(c -> c.insertReport(1, new Report(1, Map.of("loss", 0.9), T0)));
        s.write(c -> c.insertReport(2, new Report(1, Map.of("loss", 0.5, "acc", 0.7), T0.plusSeconds(1))));
        s = reopen(s);
        var trials = s.trials(1);
        assertThat(trials.get(0).trial().reports()).extracting(Report::step).containsExactly(1, 3);
        assertThat(trials.get(1).trial().reports()).singleElement().satisfies(r -> {
            assertThat(r.values()).containsEntry("loss", 0.5).containsEntry("acc", 0.7);
            assertThat(r.at()).isEqualTo(T0.plusSeconds(1));
        });
        s.close();
    }

    @Test
    void aReportAtAStepAlreadyStoredReplacesIt() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(trial(1, 1, 0));
        });
        s.write(c -> c.insertReport(1, new Report(1, Map.of("loss", 0.9), T0)));
        s.write(c -> c.insertReport(1, new Report(1, Map.of("loss", 0.4), T0.plusSeconds(2))));
        assertThat(s.trials(1).getFirst().trial().reports()).singleElement()
                .satisfies(r -> assertThat(r.values()).containsEntry("loss", 0.4));
        s.close();
    }

    @Test
    void deletedReportsAreGoneAfterReopeningAndOtherTrialsKeepTheirs() {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(trial(1, 1, 0));
            c.insert(trial(2, 1, 1));
            c.insertReport(1, new Report(1, Map.of("loss", 0.9), T0));
            c.insertReport(1, new Report(2, Map.of("loss", 0.8), T0));
            c.insertReport(2, new Report(1, Map.of("loss", 0.7), T0));
        });
        s.write(c -> c.deleteReports(1));
        s = reopen(s);
        assertThat(s.trials(1).get(0).trial().reports()).isEmpty();
        assertThat(s.trials(1).get(1).trial().reports()).hasSize(1);
        s.close();
    }

    @Test
    void aModelReadsBackByteForByteAndASecondOneReplacesIt() throws java.io.IOException {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(trial(1, 1, 0));
        });
        byte[] big = new byte[3 << 20];
        new java.util.Random(5).nextBytes(big);
        s.write(c -> c.putModel(1, new byte[]{9}));
        s.write(c -> c.putModel(1, big));
        s = reopen(s);
        assertThat(s.model(1)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
        assertThat(s.model(2)).isEmpty();
        var copied = new java.io.ByteArrayOutputStream();
        assertThat(s.copyModel(1, copied)).isTrue();
        assertThat(copied.toByteArray()).isEqualTo(big);
        var none = new java.io.ByteArrayOutputStream();
        assertThat(s.copyModel(2, none)).isFalse();
        assertThat(none.size()).isZero();
        assertThat(s.modelBytes(1)).hasValue(big.length);
        assertThat(s.modelBytes(2)).isEmpty();
        s.close();
    }

    @Test
    void aModelStoredFromAFileReadsBackByteForByteAndTheFileCanGoAfterwards(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(trial(1, 1, 0));
        });
        byte[] big = new byte[(5 << 20) + 3];
        new java.util.Random(9).nextBytes(big);
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("model.part"), big);
        s.write(c -> c.putModel(1, file));
        java.nio.file.Files.delete(file);
        s = reopen(s);
        assertThat(s.model(1)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
        s.close();
    }

    @Test
    void aRefitModelIsTheFinalizationsAndTheTrialsOwnModelStaysAsItWas(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "one"));
            c.insert(experiment(2, "two"));
            c.insert(trial(1, 1, 0));
            c.putModel(1, new byte[]{1, 2, 3});
        });
        byte[] refit = new byte[(3 << 20) + 5];
        new java.util.Random(4).nextBytes(refit);
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("refit.part"), new byte[]{8});
        s.write(c -> c.putFinalizationModel(1, file));
        java.nio.file.Files.write(file, refit);
        s.write(c -> c.putFinalizationModel(1, file));
        java.nio.file.Files.delete(file);
        s = reopen(s);
        var copied = new java.io.ByteArrayOutputStream();
        assertThat(s.copyFinalizationModel(1, copied)).isTrue();
        assertThat(copied.toByteArray()).as("the second upload replaced the first").isEqualTo(refit);
        assertThat(s.model(1)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        var none = new java.io.ByteArrayOutputStream();
        assertThat(s.copyFinalizationModel(2, none)).isFalse();
        s.write(c -> c.deleteFinalizationModel(1));
        assertThat(s.copyFinalizationModel(1, none)).isFalse();
        assertThat(none.size()).isZero();
        assertThat(s.model(1)).isPresent();
        s.close();
    }

    @Test
    void aDataReportIsEmptyUntilPutAndTheLastOneWins() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        assertThat(s.dataReport(1)).isEmpty();
        s.write(c -> c.putDataReport(1, "{\"usable\":false}"));
        s.write(c -> c.putDataReport(1, "{\"usable\":true,\"rows\":150}"));
        s = reopen(s);
        assertThat(s.dataReport(1)).hasValue("{\"usable\":true,\"rows\":150}");
        assertThat(s.dataReport(2)).isEmpty();
        s.close();
    }

    @Test
    void tokensAndWhoWroteReadBackAfterReopening() {
        Storage s = open();
        var e = new StoredExperiment(1, "mine", ExperimentState.RUNNING, experiment(1, "mine").spec(), 42, T0, T0, null, 0, T0, "ci", null);
        s.write(c -> c.insert(e));
        s.write(c -> c.update(e.withState(ExperimentState.PAUSED, T0.plusSeconds(5), null).by("ops")));
        var t = trial(7, 1, 0);
        s.write(c -> c.insert(t));
        Trial told = t.trial();
        var withTeller = new Trial(told.id(), 1, 0, told.params(), TrialState.COMPLETE, Map.of("loss", 0.5), null, null, null,
                T0, T0, T0, "w:1", null, null, "gpu-box-1");
        s.write(c -> c.update(t.with(withTeller)));
        s.write(c -> c.insertToken(new StoredToken("admin", List.of("admin"), "ab".repeat(32), T0, null)));
        s.write(c -> c.insertToken(new StoredToken("gpu-box-1", List.of("worker", "read"), "cd".repeat(32), T0.plusSeconds(1), null)));
        s.write(c -> c.revokeToken(new StoredToken("gpu-box-1", List.of("worker", "read"), "cd".repeat(32), T0.plusSeconds(1),
                T0.plusSeconds(9))));
        s = reopen(s);
        assertThat(s.experiments().getFirst().createdBy()).isEqualTo("ci");
        assertThat(s.experiments().getFirst().updatedBy()).isEqualTo("ops");
        assertThat(s.trials(1).getFirst().trial().toldBy()).isEqualTo("gpu-box-1");
        assertThat(s.tokens()).extracting(StoredToken::name).containsExactly("admin", "gpu-box-1");
        assertThat(s.tokens().get(1).scopes()).containsExactly("worker", "read");
        assertThat(s.tokens().get(1).revoked()).isEqualTo(T0.plusSeconds(9));
        assertThat(s.tokens().getFirst().isRevoked()).isFalse();
        Storage last = s;
        assertThatThrownBy(() -> last.write(c -> c.insertToken(new StoredToken("admin", List.of("read"), "ef".repeat(32), T0, null))))
                .as("a token name is unique");
        assertThat(last.tokens()).hasSize(2);
        last.close();
    }

    // ------------------------------------------------------------------ artifacts, labels, delete

    private static io.tunelab.api.Artifact artifact(String name, byte[] content) throws Exception {
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        return new io.tunelab.api.Artifact(name, content.length, sha, T0, "ci");
    }

    private static java.nio.file.Path file(byte[] content) throws Exception {
        var f = java.nio.file.Files.createTempFile("contract-", ".bin");
        java.nio.file.Files.write(f, content);
        f.toFile().deleteOnExit();
        return f;
    }

    private static byte[] content(Storage s, String sha256) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        assertThat(s.copyArtifactContent(sha256, out)).as("content of " + sha256 + " is stored").isTrue();
        return out.toByteArray();
    }

    private static int storedContents(Storage s, String... sha256) throws Exception {
        int n = 0;
        for (String sha : sha256) {
            n += s.copyArtifactContent(sha, java.io.OutputStream.nullOutputStream()) ? 1 : 0;
        }
        return n;
    }

    @Test
    void artifactsReadBackInNameOrderAndSameContentIsStoredOnce() throws Exception {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        s.write(c -> {
            c.insert(trial(1, 1, 0));
            c.insert(trial(2, 1, 1));
        });
        byte[] plot = "a plot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var a = artifact("plot.png", plot);
        var b = artifact("log.txt", "a log".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.write(c -> {
            try {
                c.putArtifact(1, a, file(plot));
                c.putArtifact(1, b, file("a log".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                c.putArtifact(2, artifact("same.png", plot), file(plot));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        s = reopen(s);
        assertThat(s.artifacts(1)).extracting(io.tunelab.api.Artifact::name).containsExactly("log.txt", "plot.png");
        assertThat(s.artifacts(1).get(1)).isEqualTo(a);
        assertThat(s.artifacts(2)).singleElement().satisfies(x -> assertThat(x.sha256()).isEqualTo(a.sha256()));
        assertThat(content(s, a.sha256())).containsExactly(plot);
        assertThat(s.artifacts(3)).isEmpty();
        assertThat(s.copyArtifactContent("0".repeat(64), java.io.OutputStream.nullOutputStream())).isFalse();
        s.close();
    }

    @Test
    void anArtifactUploadedAgainUnderItsNameReplacesItAndContentNoOneNamesIsDropped() throws Exception {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        s.write(c -> c.insert(trial(1, 1, 0)));
        byte[] first = {1, 2, 3};
        byte[] second = {4, 5};
        var old = artifact("ckpt.bin", first);
        var replacement = artifact("ckpt.bin", second);
        s.write(c -> c.putArtifact(1, old, uncheckedFile(first)));
        s.write(c -> c.putArtifact(1, replacement, uncheckedFile(second)));
        assertThat(s.artifacts(1)).containsExactly(replacement);
        assertThat(storedContents(s, old.sha256())).as("the old content, named by nobody").isZero();
        assertThat(content(s, replacement.sha256())).containsExactly(second);
        s.close();
    }

    private static java.nio.file.Path uncheckedFile(byte[] content) {
        try {
            return file(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deletingAnExperimentDeletesItsTrialsReportsModelsArtifactsLabelsAndRefitModelAndNothingOfAnother() throws Exception {
        Storage s = open();
        s.write(c -> {
            c.insert(experiment(1, "gone"));
            c.insert(experiment(2, "kept"));
        });
        byte[] shared = {9, 9, 9};
        byte[] own = {7};
        s.write(c -> {
            c.insert(trial(1, 1, 0));
            c.insert(trial(2, 2, 0));
            c.insertReport(1, new Report(1, Map.of("loss", 0.5), T0));
            c.putModel(1, new byte[]{1});
            c.putArtifact(1, uncheckedArtifact("shared.bin", shared), uncheckedFile(shared));
            c.putArtifact(1, uncheckedArtifact("own.bin", own), uncheckedFile(own));
            c.putArtifact(2, uncheckedArtifact("shared.bin", shared), uncheckedFile(shared));
            c.putLabels(1, "{\"tags\":[\"a\"]}");
            c.putFinalization(1, "{}");
            c.putFinalizationModel(1, uncheckedFile(own));
            c.putFinalizationModel(2, uncheckedFile(shared));
        });
        s.write(c -> c.deleteExperiment(1));
        s = reopen(s);
        assertThat(s.experiments()).extracting(StoredExperiment::name).containsExactly("kept");
        assertThat(s.trials(1)).isEmpty();
        assertThat(s.model(1)).isEmpty();
        assertThat(s.artifacts(1)).isEmpty();
        assertThat(s.labels(1)).isEmpty();
        assertThat(s.finalization(1)).isEmpty();
        assertThat(s.copyFinalizationModel(1, java.io.OutputStream.nullOutputStream())).as("the refit model").isFalse();
        assertThat(s.copyFinalizationModel(2, java.io.OutputStream.nullOutputStream())).as("another experiment's refit model").isTrue();
        assertThat(storedContents(s, uncheckedArtifact("own.bin", own).sha256())).as("content only the deleted trial named").isZero();
        assertThat(content(s, uncheckedArtifact("shared.bin", shared).sha256())).as("content another trial names").containsExactly(shared);
        assertThat(s.trials(2)).hasSize(1);
        s.close();
    }

    private static io.tunelab.api.Artifact uncheckedArtifact(String name, byte[] content) {
        try {
            return artifact(name, content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void labelsReadBackAfterReopeningAndAnotherPutReplacesThem() {
        Storage s = open();
        s.write(c -> c.insert(experiment(1, "one")));
        assertThat(s.labels(1)).isEmpty();
        s.write(c -> c.putLabels(1, "{\"tags\":[\"a\"]}"));
        s.write(c -> c.putLabels(1, "{\"tags\":[\"b\"],\"archived\":true}"));
        s = reopen(s);
        assertThat(s.labels(1)).hasValue("{\"tags\":[\"b\"],\"archived\":true}");
        s.close();
    }

    @Test
    void anArtifactOfATrialThatDoesNotExistIsRefusedAndStoresNoContent() {
        Storage s = open();
        byte[] bytes = {3, 1, 4};
        var a = uncheckedArtifact("x.bin", bytes);
        assertThatThrownBy(() -> s.write(c -> c.putArtifact(99, a, uncheckedFile(bytes)))).isInstanceOf(RuntimeException.class);
        assertThat(s.artifacts(99)).isEmpty();
        try {
            assertThat(storedContents(s, a.sha256())).isZero();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        s.close();
    }
}
