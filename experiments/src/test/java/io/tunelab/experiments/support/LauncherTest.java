package io.tunelab.experiments.support;

import io.tunelab.client.JvmCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tunelab} launcher's kept command lines: once a module's shared class archive is in
 * place, the launcher keeps the command line {@link JvmCommand} printed and runs it on later
 * commands without starting that JVM, for as long as nothing it was made of changed. Run on a
 * copy of the launcher in a home of its own, with this build's jars and libraries, so the test
 * can stand a command line of its own in for a kept one and see which one runs.
 */
class LauncherTest {
    /** What a kept line of the test's own prints: a command's output says whether the kept line ran. */
    private static final String STAND_IN = "from-the-kept-line";

    @TempDir
    Path home;

    @Test
    void aKeptCommandLineRunsUntilTheJarTheOptionsOrTheArchiveChange() throws Exception {
        Path real = TunelabProcesses.home();
        String build = System.getProperty("tunelab.target", "target");
        Files.copy(real.resolve("tunelab"), home.resolve("tunelab"));
        Files.copy(real.resolve("pom.xml"), home.resolve("pom.xml"));
        for (String module : List.of("server", "worker")) {
            Path target = Files.createDirectories(home.resolve(module).resolve("target"));
            Files.copy(real.resolve(module).resolve(build).resolve("tunelab-" + module + ".jar"), target.resolve("tunelab-" + module + ".jar"));
            Files.createSymbolicLink(target.resolve("lib"), real.resolve(module).resolve(build).resolve("lib"));
        }
        Path target = home.resolve("server/target");
        Path kept = target.resolve("launch");

        String version = launch(Map.of(), "--version");
        assertThat(version).as("the server's version").isNotBlank().doesNotContain(STAND_IN);
        assertThat(kept).as("no line is kept before the archive is made").doesNotExist();

        // A server process as the launcher starts it before there is an archive writes a part as it exits; the next start promotes it.
        Process writer = JvmCommand.server(home).processBuilder(List.of("--version")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launch(Map.of(), "--version")).isEqualTo(version);
        Path line = only(kept);
        assertThat(Files.readString(line)).contains("-XX:SharedArchiveFile=" + target);

        standIn(line);
        assertThat(launch(Map.of(), "--version")).as("the kept line runs").isEqualTo(STAND_IN + " --version");

        Files.setLastModifiedTime(line, FileTime.fromMillis(Files.getLastModifiedTime(target.resolve("tunelab-server.jar")).toMillis() - 2_000));
        assertThat(launch(Map.of(), "--version")).as("a jar built after the line was kept").isEqualTo(version);
        assertThat(Files.readString(line)).as("kept again for the new jar").contains("-XX:SharedArchiveFile=" + target);

        standIn(line);
        assertThat(launch(Map.of("TUNELAB_JAVA_OPTS", "-Xmx300m"), "--version")).as("other JVM options").isEqualTo(version);
        assertThat(launch(Map.of("LANG", "C"), "--version")).as("another locale").isEqualTo(version);
        assertThat(launch(Map.of(), "experiments", "--help")).as("the command's own arguments after the kept line")
                .isEqualTo(STAND_IN + " experiments --help");
        assertThat(launch(Map.of(), "--version")).as("the first line, kept beside the others").isEqualTo(STAND_IN + " --version");

        Path copy = Files.createDirectories(home.resolveSibling(home.getFileName() + "-copy"));
        try {
            new ProcessBuilder("cp", "-a", home + "/.", copy.toString()).inheritIO().start().waitFor();
            assertThat(launch(copy, Map.of(), "--version")).as("a copy of the checkout, its times kept, does not run the original's line")
                    .isEqualTo(version);
        } finally {
            new ProcessBuilder("rm", "-rf", copy.toString()).start().waitFor();
        }

        try (Stream<Path> archives = Files.list(target)) {
            for (Path archive : archives.filter(p -> p.toString().endsWith(".jsa")).toList()) {
                Files.delete(archive);
            }
        }
        assertThat(launch(Map.of(), "--version")).as("the archive the line names is gone").isEqualTo(version);
    }

    /**
     * Replaces the kept line with one that echoes {@link #STAND_IN} and its arguments, naming the
     * same archive as its first word after the script (bash's {@code $0}), still newer than
     * everything it was made of.
     */
    private static void standIn(Path line) throws IOException {
        FileTime time = Files.getLastModifiedTime(line);
        String archive = Stream.of(Files.readString(line).split("\0")).filter(w -> w.startsWith("-XX:SharedArchiveFile=")).findFirst().orElseThrow();
        Files.writeString(line, String.join("\0", "bash", "-c", "echo " + STAND_IN + " \"$@\"", archive) + "\0", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(line, time);
    }

    private static Path only(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> all = files.toList();
            assertThat(all).as("kept lines in " + folder).hasSize(1);
            return all.getFirst();
        }
    }

    /** Runs {@code ./tunelab ARGS} from the test's home with this JVM's JDK and {@code environment} added; returns its output, stripped. */
    private String launch(Map<String, String> environment, String... args) throws Exception {
        return launch(home, environment, args);
    }

    /** {@link #launch(Map, String...)} of the launcher in {@code checkout}. */
    private static String launch(Path checkout, Map<String, String> environment, String... args) throws Exception {
        var command = new ArrayList<>(List.of(checkout.resolve("tunelab").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("TUNELAB_JAVA_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as("./tunelab %s printed: %s", String.join(" ", args), text).isZero();
        return text;
    }
}
