package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.http.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab experiment ...} and {@code tunelab experiments --tag/--archived} against a real server, with bad input. */
class ExperimentCommandTest {
    @TempDir
    Path dir;
    ApiServer server;
    String url;
    String tokenFile;
    TunelabClient client;

    @BeforeEach
    void start() throws Exception {
        server = ApiServer.start(ServerConfig.of(dir.resolve("data"), 0));
        url = "http://127.0.0.1:" + server.port();
        tokenFile = dir.resolve("data").resolve(ApiServer.ADMIN_TOKEN_FILE).toString();
        client = TunelabClient.connect(url, Files.readString(Path.of(tokenFile)).strip());
        client.launch(ExperimentSpec.builder("cli-exp").minimize("loss").param("x", FloatParam.of(0, 1)).trials(3).build());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private TunelabCommandTest.Run cli(String... args) {
        return TunelabCommandTest.runAgainst(url, tokenFile, args);
    }

    @Test
    void renameTagNotesArchiveAndTheFilteredList() {
        assertThat(cli("experiment", "rename", "cli-exp", "cli-exp-2").exit()).isZero();
        var tagged = cli("experiment", "tag", "cli-exp-2", "baseline", "cnn");
        assertThat(tagged.exit()).as(tagged.err()).isZero();
        assertThat(tagged.out()).contains("cli-exp-2").contains("tags: baseline, cnn");
        assertThat(cli("experiment", "untag", "cli-exp-2", "cnn").out()).contains("tags: baseline").doesNotContain("cnn");
        assertThat(cli("experiment", "notes", "cli-exp-2", "lr too high").out()).contains("notes: lr too high");
        assertThat(cli("experiments", "--tag", "baseline").out()).contains("cli-exp-2");
        assertThat(cli("experiments", "--tag", "other").out()).doesNotContain("cli-exp-2");
        assertThat(cli("experiment", "archive", "cli-exp-2").out()).contains("archived");
        assertThat(cli("experiments").out()).doesNotContain("cli-exp-2");
        assertThat(cli("experiments", "--archived").out()).contains("cli-exp-2");
        assertThat(cli("experiment", "unarchive", "cli-exp-2").exit()).isZero();
        Experiment e = client.describe("cli-exp-2");
        assertThat(e.summary().labels().tags()).containsExactly("baseline");
        assertThat(e.summary().labels().archived()).isFalse();
        assertThat(e.updatedBy()).isEqualTo("admin");
    }

    @Test
    void cloneAndDeleteWhichNeedsYesAndAStoppedExperiment() {
        var cloned = cli("experiment", "clone", "cli-exp", "cli-exp-copy");
        assertThat(cloned.exit()).as(cloned.err()).isZero();
        assertThat(cloned.out()).contains("cloned cli-exp as cli-exp-copy");
        var unconfirmed = cli("experiment", "delete", "cli-exp");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("run again with --yes");
        var running = cli("experiment", "delete", "cli-exp", "--yes");
        assertThat(running.exit()).isEqualTo(2);
        assertThat(running.err()).contains("is RUNNING; stop or pause it first");
        client.stop("cli-exp");
        assertThat(cli("experiment", "delete", "cli-exp", "--yes").out()).contains("deleted cli-exp");
        assertThat(client.experiments()).extracting(s -> s.name()).containsExactly("cli-exp-copy");
    }

    @Test
    void badInputIsAnErrorThatSaysWhatIsRightAndChangesNothing() {
        var missing = cli("experiment", "rename", "nope", "x1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no experiment with id or name \"nope\"");
        var badTag = cli("experiment", "tag", "cli-exp", "has space");
        assertThat(badTag.exit()).isEqualTo(2);
        assertThat(badTag.err()).contains("tag \"has space\" is not valid");
        var taken = cli("experiment", "clone", "cli-exp", "cli-exp");
        assertThat(taken.exit()).isEqualTo(2);
        assertThat(taken.err()).contains("exists already");
        var noArgs = cli("experiment", "tag", "cli-exp");
        assertThat(noArgs.exit()).isNotZero();
        assertThat(noArgs.err()).contains("Missing required parameter");
        Experiment e = client.describe("cli-exp");
        assertThat(e.summary().labels().tags()).isEmpty();
        assertThat(client.experiments()).hasSize(1);
    }
}
