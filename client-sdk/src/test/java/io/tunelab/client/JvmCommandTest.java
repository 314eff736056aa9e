package io.tunelab.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmCommandTest {
    @TempDir
    Path home;

    @Test
    void a_worker_runs_the_worker_jar_single_threaded_with_the_parallel_collector() {
        var worker = JvmCommand.worker(home);

        var expected = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"));
        if (Runtime.version().feature() >= 24) {
            expected.add("--sun-misc-unsafe-memory-access=allow");
        }
        expected.addAll(List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=512m",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-Dtunelab.worker.max-resident=1400m"));
        expected.addAll(JvmCommand.consoleEncoding(System.getProperty("native.encoding")));
        expected.addAll(List.of("-Dtunelab.home=" + home,
                "-cp", home.resolve("worker/target/tunelab-worker.jar") + ":" + home.resolve("worker/target/lib") + "/*",
                "io.tunelab.worker.Main", "worker", "--slots", "2"));
        assertThat(worker.command(List.of("worker", "--slots", "2"))).containsExactlyElementsOf(expected);
        assertThat(worker.environment()).containsOnly(Map.entry("OMP_NUM_THREADS", "1"), Map.entry("MALLOC_ARENA_MAX", "2"));
    }

    @Test
    void a_server_runs_the_server_jar_from_the_given_build_directory_without_the_worker_settings() {
        var server = JvmCommand.server(home, "build-x");

        assertThat(server.command(List.of("server"))).doesNotContain("-XX:+UseParallelGC")
                .contains("-XX:MaxTenuringThreshold=1")
                .contains(home.resolve("server/build-x/tunelab-server.jar") + ":" + home.resolve("server/build-x/lib") + "/*")
                .endsWith("io.tunelab.server.Main", "server");
        assertThat(server.environment()).isEmpty();
    }

    @Test
    void a_server_on_a_small_machine_gets_three_c2_compiler_threads_and_a_large_one_the_jvms_own_count() {
        for (int processors : new int[] {1, 2, 4}) {
            assertThat(JvmCommand.serverCompilerThreads(processors)).containsExactly("-XX:CICompilerCount=4", "-XX:-UseDynamicNumberOfCompilerThreads");
        }
        assertThat(JvmCommand.serverCompilerThreads(5)).isEmpty();
        assertThat(JvmCommand.server(home, "build-x").jvmOptions())
                .containsAll(JvmCommand.serverCompilerThreads(Runtime.getRuntime().availableProcessors()));
        assertThat(JvmCommand.worker(home, "build-x").jvmOptions()).noneMatch(o -> o.startsWith("-XX:CICompilerCount"));
    }

    @Test
    void in_the_posix_locale_terminal_text_is_utf8_and_in_any_other_the_locales_own() {
        var utf8 = List.of("-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8");
        assertThat(JvmCommand.consoleEncoding("ANSI_X3.4-1968")).isEqualTo(utf8);
        assertThat(JvmCommand.consoleEncoding("US-ASCII")).isEqualTo(utf8);
        assertThat(JvmCommand.consoleEncoding("UTF-8")).isEmpty();
        assertThat(JvmCommand.consoleEncoding("ISO-8859-15")).isEmpty();
        assertThat(JvmCommand.consoleEncoding(null)).isEmpty();
    }

    @Test
    void a_process_started_in_the_posix_locale_prints_what_ascii_cannot_hold_in_utf8() throws Exception {
        var options = new java.util.ArrayList<String>();
        options.add(ProcessHandle.current().info().command().orElseThrow());
        options.addAll(JvmCommand.consoleEncoding("ANSI_X3.4-1968"));
        options.addAll(List.of("-cp", System.getProperty("java.class.path"), Printer.class.getName()));
        var builder = new ProcessBuilder(options);
        builder.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
        builder.environment().put("LC_ALL", "C");
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(new String(out, StandardCharsets.UTF_8).strip()).isEqualTo("0.97774 ± 0.012610 …");
    }

    /** Prints a leaderboard cell with the characters ASCII cannot hold. */
    public static final class Printer {
        public static void main(String[] args) {
            System.out.println("0.97774 ± 0.012610 …");
        }
    }

    @Test
    void extra_options_and_another_main_class_keep_the_rest() {
        var bench = JvmCommand.worker(home).withJvmOptions(List.of("-Xmx1g")).withMainClass("io.tunelab.worker.bench.TrainingBenchmark");

        assertThat(bench.jvmOptions()).contains("-XX:+UseParallelGC").endsWith("-Dtunelab.home=" + home, "-Xmx1g");
        assertThat(bench.command(List.of())).endsWith("io.tunelab.worker.bench.TrainingBenchmark");
        assertThat(bench.environment()).isEqualTo(JvmCommand.worker(home).environment());
    }

    @Test
    void the_process_builder_sets_the_environment_unless_the_caller_has_it() throws Exception {
        Files.createDirectories(home.resolve("worker/target"));
        Files.writeString(home.resolve("worker/target/tunelab-worker.jar"), "");
        var builder = JvmCommand.worker(home).processBuilder(List.of("worker"));

        assertThat(builder.command()).endsWith("io.tunelab.worker.Main", "worker");
        String inherited = System.getenv("OMP_NUM_THREADS");
        assertThat(builder.environment()).containsEntry("OMP_NUM_THREADS", inherited != null ? inherited : "1");
    }

    @Test
    void an_unbuilt_module_is_refused_with_what_to_build() {
        assertThatThrownBy(() -> JvmCommand.server(home).processBuilder(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(home.resolve("server/target/tunelab-server.jar").toString())
                .hasMessageContaining("./tunelab build");
    }

    @Test
    void the_launcher_gets_env_then_the_command_separated_by_nul_and_the_callers_value_wins() {
        var command = JvmCommand.parse(List.of("worker", home.toString(), "--main", "x.Bench", "-Xmx1g"));
        var out = new ByteArrayOutputStream();
        JvmCommand.print(command, Map.of("OMP_NUM_THREADS", "4"), new PrintStream(out, true, StandardCharsets.UTF_8));

        String[] words = out.toString(StandardCharsets.UTF_8).split("\0");
        assertThat(words).startsWith("env", "MALLOC_ARENA_MAX=2", "OMP_NUM_THREADS=4", command.java());
        assertThat(words).endsWith("-Xmx1g", "-cp", command.classPath(), "x.Bench");
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("x.Bench\0");
    }

    @Test
    void the_launcher_is_told_what_it_asked_wrong() {
        assertThatThrownBy(() -> JvmCommand.parse(List.of("web", "/home")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker|server HOME").hasMessageContaining("web");
        assertThatThrownBy(() -> JvmCommand.parse(List.of("worker", "/home", "--main")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--main needs a class name");
    }

    @Test
    void an_unbuilt_module_gets_no_shared_archive() {
        assertThat(JvmCommand.sharedArchive(home.resolve("server/target/tunelab-server.jar"), List.of())).isEmpty();
        assertThat(JvmCommand.server(home).jvmOptions()).noneMatch(o -> o.contains("SharedArchive") || o.contains("ArchiveClassesAtExit"));
    }

    @Test
    void a_process_writes_a_part_the_next_start_checks_and_renames_into_the_archive_named_anew_for_a_rebuilt_jar() throws Exception {
        Path jar = Files.createDirectories(home.resolve("server/target")).resolve("tunelab-server.jar");
        writeJarOfThisClass(jar);
        Path unrelated = Files.writeString(jar.resolveSibling("notes.jsa"), "kept");

        List<String> first = JvmCommand.sharedArchive(jar, List.of());
        Path part = partOf(first);
        assertThat(part.getParent()).isEqualTo(jar.getParent());
        assertThat(part.getFileName().toString()).startsWith("tunelab-server-").contains(".jsa.").endsWith(".part");
        assertThat(first).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
        assertThat(JvmCommand.server(home).withJvmOptions(List.of()).jvmOptions()).anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));
        assertThat(JvmCommand.server(home).withJvmOptions(List.of("-XX:+UseSerialGC")).jvmOptions())
                .as("a process with options of its own writes no part: it would fail the check made with the module's")
                .noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")).endsWith("-XX:+UseSerialGC");
        Run writer = run(first, List.of());
        assertThat(writer.output()).as("no message of the JVM about its archive").doesNotContain("cds", "CDS", "warning", "Skipping");
        assertThat(writer.output()).contains("expected worker|server HOME");
        assertThat(part).as("written as the process exits").isNotEmptyFile();

        List<String> next = JvmCommand.sharedArchive(jar, List.of());
        Path archive = archiveOf(next);
        assertThat(part.getFileName().toString()).startsWith(archive.getFileName() + ".");
        assertThat(archive).as("the part, checked and renamed").isNotEmptyFile();
        assertThat(part).doesNotExist();
        assertThat(next).as("mapped without a check on every start, and written by no one")
                .noneMatch(o -> o.contains("VerifySharedSpaces") || o.contains("ArchiveClassesAtExit") || o.contains("AutoCreate"));
        assertThat(run(next, List.of("-Xlog:cds=info")).output()).as("the next process maps it").contains("Mapped dynamic region");

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        List<String> rebuilt = JvmCommand.sharedArchive(jar, List.of());
        assertThat(rebuilt).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
        assertThat(partOf(rebuilt).getFileName().toString()).doesNotStartWith(archive.getFileName().toString());
        assertThat(archive).as("the stale build's archive").doesNotExist();
        assertThat(unrelated).exists();
    }

    @Test
    void a_part_spoilt_or_cut_short_is_never_mapped_and_is_deleted() throws Exception {
        Path jar = Files.createDirectories(home.resolve("server/target")).resolve("tunelab-server.jar");
        writeJarOfThisClass(jar);
        List<String> options = JvmCommand.sharedArchive(jar, List.of());
        Path whole = partOf(options);
        run(options, List.of());
        byte[] bytes = Files.readAllBytes(whole);
        assertThat(JvmCommand.verified(whole, jar, List.of())).as("the check takes a whole part").isTrue();

        String prefix = whole.getFileName().toString().substring(0, whole.getFileName().toString().indexOf(".jsa.") + 5);
        // As two processes writing one file would leave it: the header reads right, a region does not.
        byte[] spoiltBytes = bytes.clone();
        for (int i = bytes.length / 2; i < bytes.length / 2 + 256; i++) {
            spoiltBytes[i] ^= 0x5a;
        }
        Path spoilt = Files.write(whole.resolveSibling(prefix + "spoilt.part"), spoiltBytes);
        // As a kill in the middle of the write would leave it.
        Path cut = Files.write(whole.resolveSibling(prefix + "cut.part"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(JvmCommand.verified(spoilt, jar, List.of())).isFalse();
        assertThat(JvmCommand.verified(cut, jar, List.of())).isFalse();

        Files.delete(whole);
        List<String> after = JvmCommand.sharedArchive(jar, List.of());
        assertThat(after).as("nothing to map").noneMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
        assertThat(spoilt).doesNotExist();
        assertThat(cut).doesNotExist();
        assertThat(partOf(after)).as("this process writes a part of its own").doesNotExist();
    }

    @Test
    void a_short_command_maps_the_archive_when_there_is_one_and_never_writes_it() throws Exception {
        Path jar = Files.createDirectories(home.resolve("server/target")).resolve("tunelab-server.jar");
        writeJarOfThisClass(jar);
        var beforeAnyServer = JvmCommand.parse(List.of("server", home.toString(), "--read-shared-archive", "-Xmx1g"));
        assertThat(beforeAnyServer.jvmOptions()).noneMatch(o -> o.contains("SharedArchive") || o.contains("ArchiveClassesAtExit"))
                .endsWith("-Xmx1g");

        var server = JvmCommand.server(home);
        run(server.jvmOptions().stream().filter(o -> !o.startsWith("-Dtunelab")).toList(), List.of());
        var afterAServer = JvmCommand.parse(List.of("server", home.toString(), "--read-shared-archive"));
        assertThat(archiveOf(afterAServer.jvmOptions())).isNotEmptyFile();
        assertThat(afterAServer.jvmOptions()).noneMatch(o -> o.contains("ArchiveClassesAtExit") || o.contains("VerifySharedSpaces"));
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> sharing, List<String> more) throws Exception {
        var command = new java.util.ArrayList<String>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        command.addAll(sharing);
        command.addAll(more);
        command.addAll(List.of("-cp", home.resolve("server/target/tunelab-server.jar").toString(), JvmCommand.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    private static Path partOf(List<String> options) {
        return options.stream().filter(o -> o.startsWith("-XX:ArchiveClassesAtExit=")).map(o -> Path.of(o.substring(o.indexOf('=') + 1)))
                .findFirst().orElseThrow();
    }

    private static Path archiveOf(List<String> options) {
        return options.stream().filter(o -> o.startsWith("-XX:SharedArchiveFile=")).map(o -> Path.of(o.substring(o.indexOf('=') + 1)))
                .findFirst().orElseThrow();
    }

    /** A jar whose one class is JvmCommand, whose main (without arguments) prints its usage and exits 2. */
    private static void writeJarOfThisClass(Path jar) throws Exception {
        String entry = JvmCommand.class.getName().replace('.', '/') + ".class";
        try (var in = JvmCommand.class.getClassLoader().getResourceAsStream(entry);
             var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
