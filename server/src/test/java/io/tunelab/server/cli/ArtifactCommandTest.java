package io.tunelab.server.cli;

import io.tunelab.api.Artifact;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.client.Artifacts;
import io.tunelab.client.ExperimentHandle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab artifacts list|get|put} against a real server, with bad input. */
class ArtifactCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CliServer server = new CliServer();
    ExperimentHandle experiment;
    long trial;

    @BeforeEach
    void start() throws Exception {
        experiment = server.client().launch(ExperimentSpec.builder("cli-files").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        trial = experiment.ask().id();
    }

    @Test
    void putListAndGetRoundTrip() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello");
        var put = server.run("artifacts", "put", Long.toString(trial), file.toString());
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("attached notes.txt (5 bytes");
        assertThat(server.run("artifacts", "list", Long.toString(trial)).out()).contains("notes.txt").contains("admin");
        Path out = dir.resolve("copy.txt");
        var get = server.run("artifacts", "get", Long.toString(trial), "notes.txt", "--output", out.toString());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo("hello");
    }

    @Test
    void badInputSaysWhatIsWrongAndStoresOrWritesNothing() throws Exception {
        Path file = dir.resolve("x.bin");
        Files.write(file, new byte[]{1});
        var badName = server.run("artifacts", "put", Long.toString(trial), file.toString(), "--name", "../x");
        assertThat(badName.exit()).isEqualTo(2);
        assertThat(badName.err()).contains("not a plain file name");
        var missingFile = server.run("artifacts", "put", Long.toString(trial), dir.resolve("nope.bin").toString());
        assertThat(missingFile.exit()).isEqualTo(2);
        assertThat(missingFile.err()).contains("does not exist");
        var unknownTrial = server.run("artifacts", "list", "999999");
        assertThat(unknownTrial.exit()).isEqualTo(2);
        assertThat(unknownTrial.err()).contains("no trial with id 999999");
        Path out = dir.resolve("missing.txt");
        var missing = server.run("artifacts", "get", Long.toString(trial), "missing.txt", "--output", out.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("has no artifact \"missing.txt\"");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
        Artifacts.of(server.client()).upload(trial, null, "notes.txt", file);
        var intoDirectory = server.run("artifacts", "get", Long.toString(trial), "notes.txt", "--output", dir.toString());
        assertThat(intoDirectory.exit()).isEqualTo(2);
        assertThat(intoDirectory.err()).contains("--output " + dir + " is a directory; give a file in it, as " + dir.resolve("notes.txt"))
                .doesNotContain("java.");
        assertThat(dir).isDirectory();
        var bogusLease = server.run("artifacts", "put", Long.toString(trial), file.toString(), "--lease", "bogus");
        assertThat(bogusLease.exit()).isEqualTo(2);
        assertThat(bogusLease.err().strip()).isEqualTo("error: --lease \"bogus\" is not a lease id; give the leaseId the trial's "
                + "lease answered, a UUID such as 0b6f3c1e-8d2a-4f5b-9c7e-2a1d4e6f8b90, or leave --lease out to attach with a write token");
        var emptyLease = server.run("artifacts", "put", Long.toString(trial), file.toString(), "--lease", "");
        assertThat(emptyLease.exit()).isEqualTo(2);
        assertThat(emptyLease.err()).startsWith("error: --lease is empty; give the leaseId").doesNotContain("query parameter");
        for (String command : new String[]{"put", "list", "get"}) {
            var args = new java.util.ArrayList<>(java.util.List.of("artifacts", command, "-5"));
            args.addAll(command.equals("list") ? java.util.List.of() : java.util.List.of(command.equals("put") ? file.toString() : "notes.txt"));
            var negative = server.run(args.toArray(String[]::new));
            assertThat(negative.exit()).as(negative.err()).isEqualTo(2);
            assertThat(negative.err()).contains("trial id -5 names no trial; trial ids are whole numbers from 1");
        }
        assertThat(Artifacts.of(server.client()).list(trial)).extracting(Artifact::name).containsExactly("notes.txt");
        experiment.tell(trial, 0.5);
        var finished = server.run("artifacts", "put", Long.toString(trial), file.toString());
        assertThat(finished.exit()).isEqualTo(2);
        assertThat(finished.err()).contains("finished trials never change");
        assertThat(Artifacts.of(server.client()).list(trial)).extracting(Artifact::name).containsExactly("notes.txt");
    }
}
