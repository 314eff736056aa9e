package io.tunelab.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the SDK records about the process that ran a trial. */
class SdkProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void jarsAreListedWithTheVersionInTheirFileNameAndDirectoriesAreLeftOut() {
        String classPath = String.join(File.pathSeparator, "/m2/jackson-databind-2.18.2.jar", "/app/classes", "/lib/plain.jar",
                "/lib/guava-33.4.0-jre.jar");
        assertThat(SdkProvenance.jars(classPath)).containsExactly(
                Map.of("jar", "jackson-databind", "version", "2.18.2"),
                Map.of("jar", "plain"),
                Map.of("jar", "guava", "version", "33.4.0-jre"));
    }

    @Test
    void aLongClassPathIsCutAndSaysHowManyJarsWereLeftOut() {
        var entries = new java.util.ArrayList<String>();
        for (int i = 0; i < SdkProvenance.MAX_JARS + 5; i++) {
            entries.add("/lib/j" + i + "-1.0.jar");
        }
        List<Map<String, String>> jars = SdkProvenance.jars(String.join(File.pathSeparator, entries));
        assertThat(jars).hasSize(SdkProvenance.MAX_JARS + 1);
        assertThat(jars.getLast()).containsEntry("jar", "(5 more jars not listed)");
    }

    @Test
    void outsideARepositoryThereIsNoGitCommit() {
        assertThat(SdkProvenance.git(dir)).isEmpty();
        assertThat(SdkProvenance.capture("", dir)).doesNotContainKeys("git_commit", "git_dirty")
                .containsKeys("runner", "host", "java_version", "java_vendor", "jvm", "os", "class_path", "tunelab_sdk_version");
    }

    @Test
    void insideARepositoryTheCommitAndTheDirtyFlagAreRecorded() throws Exception {
        git("init", "-q");
        Files.writeString(dir.resolve("train.java"), "v1");
        git("add", "train.java");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        String head = new String(new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile()).start()
                .getInputStream().readAllBytes()).strip();
        assertThat(SdkProvenance.git(dir)).hasValue(Map.of("git_commit", head, "git_dirty", false));
        Files.writeString(dir.resolve("train.java"), "v2");
        assertThat(SdkProvenance.git(dir)).hasValue(Map.of("git_commit", head, "git_dirty", true));
    }

    private void git(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
