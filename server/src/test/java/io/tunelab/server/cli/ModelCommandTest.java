package io.tunelab.server.cli;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.TrialResult;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.HeldOutWinner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunelab model get} against a real server: the refit model when the finalization has
 * one, else the best trial's own model, a trial's own with {@code --trial}, each checked against
 * the SHA-256 the server recorded; bad input says what was wrong, exits 2 (1 when the server
 * cannot be reached) and writes nothing.
 */
class ModelCommandTest {
    private static final byte[] SEARCH_MODEL = {1, 2, 3};
    private static final byte[] REFIT_MODEL = {4, 2};

    @TempDir
    Path dir;
    @RegisterExtension
    final CliServer server = new CliServer();
    String worker;
    long winner;
    int number;

    @BeforeEach
    void start() {
        worker = server.api().tokens().create("box", Set.of(Scope.WORKER)).secret();
        server.client().launch(HeldOutWinner.spec("cli-model"));
        try (var box = TunelabClient.connect(server.url(), worker)) {
            Lease lease = HeldOutWinner.runWithModel(box, SEARCH_MODEL);
            winner = lease.trial().id();
            number = lease.trial().number();
        }
    }

    private void refit() {
        try (var box = TunelabClient.connect(server.url(), worker)) {
            Lease lease = HeldOutWinner.lease(box);
            assertThat(lease.finalization()).isNotNull();
            box.uploadModel(winner, lease.leaseId(), REFIT_MODEL);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theRefitModelWhenThereIsOneElseTheBestTrialsAndATrialsOwnWithTrial() throws Exception {
        Path search = dir.resolve("search.zip");
        var before = server.run("model", "get", "cli-model", "--output", search.toString());
        assertThat(before.exit()).as(before.err()).isZero();
        assertThat(Files.readAllBytes(search)).containsExactly(SEARCH_MODEL);
        assertThat(before.out()).contains("wrote the search model of trial #" + number + " (id " + winner + ") of cli-model to " + search
                        + ": 3 bytes, sha256 " + sha256(SEARCH_MODEL) + " (as the server recorded it)")
                .contains("the finalization of trial #" + number + " is WAITING and has no refit model yet");

        refit();
        Path refit = dir.resolve("refit.zip");
        var after = server.run("model", "get", "cli-model", "--output", refit.toString());
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(Files.readAllBytes(refit)).containsExactly(REFIT_MODEL);
        assertThat(after.out()).contains("wrote the refit model of trial #" + number + " of cli-model", "to " + refit
                + ": 2 bytes, sha256 " + sha256(REFIT_MODEL) + " (as the server recorded it)");

        Path own = dir.resolve("own.zip");
        var trial = server.run("model", "get", "cli-model", "--trial", Long.toString(winner), "--output", own.toString());
        assertThat(trial.exit()).as(trial.err()).isZero();
        assertThat(Files.readAllBytes(own)).as("the winner's own model, as the search stored it").containsExactly(SEARCH_MODEL);

        Path link = dir.resolve("link.zip");
        Files.createSymbolicLink(link, own);
        assertThat(server.run("model", "get", "cli-model", "--output", link.toString()).exit()).isZero();
        assertThat(link).isSymbolicLink();
        assertThat(Files.readAllBytes(own)).as("the file the link names").containsExactly(REFIT_MODEL);

        Path byDefault = Path.of("cli-model-refit.zip").toAbsolutePath();
        try {
            var plain = server.run("model", "get", "cli-model");
            assertThat(plain.exit()).as(plain.err()).isZero();
            assertThat(Files.readAllBytes(byDefault)).containsExactly(REFIT_MODEL);
        } finally {
            Files.deleteIfExists(byDefault);
        }
    }

    @Test
    void badInputSaysWhatIsWrongExits2AndWritesNothing() throws Exception {
        var client = server.client();
        client.launch(ExperimentSpec.builder("no-models").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        long modelless = client.ask("no-models").id();
        client.result(modelless, TrialResult.complete(Map.of("loss", 0.5)));
        client.launch(ExperimentSpec.builder("empty").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        Path kept = Files.writeString(dir.resolve("kept.zip"), "kept");

        expectRefused("no experiment with id or name \"nothing-here\"", "model", "get", "nothing-here", "--output", kept.toString());
        expectRefused("--trial " + modelless + " is a trial of another experiment, not of cli-model",
                "model", "get", "cli-model", "--trial", Long.toString(modelless), "--output", kept.toString());
        expectRefused("--trial 999999: there is no trial with that id", "model", "get", "cli-model", "--trial", "999999",
                "--output", kept.toString());
        expectRefused("trial id -5 names no trial", "model", "get", "cli-model", "--trial", "-5", "--output", kept.toString());
        expectRefused("--trial", "model", "get", "cli-model", "--trial", "abc", "--output", kept.toString());
        expectRefused("trial " + modelless + " has no stored model", "model", "get", "no-models", "--output", kept.toString());
        expectRefused("experiment empty has no complete trial yet", "model", "get", "empty", "--output", kept.toString());
        expectRefused("--output " + dir + " is a directory", "model", "get", "cli-model", "--output", dir.toString());
        expectRefused("its directory takes no new file", "model", "get", "cli-model", "--output", "/proc/tunelab-model.zip");
        expectRefused("there is no directory", "model", "get", "cli-model", "--output", dir.resolve("no/such.zip").toString());
        expectRefused("the experiment's name or id is empty", "model", "get", "", "--output", kept.toString());

        var unreachable = TunelabCommandTest.run("model", "get", "cli-model", "--output", kept.toString(), "--server",
                "http://127.0.0.1:1", "--token-file", server.tokenFile());
        assertThat(unreachable.exit()).as(unreachable.err()).isEqualTo(1);
        assertThat(Files.readString(kept)).isEqualTo("kept");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kept.zip");
        }
    }

    private void expectRefused(String message, String... args) throws Exception {
        var run = server.run(args);
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message).doesNotContain("java.", "Exception");
        assertThat(run.out()).doesNotContain("wrote");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing written").containsExactly("kept.zip");
        }
        assertThat(Files.readString(dir.resolve("kept.zip"))).isEqualTo("kept");
    }
}
