package io.tunelab.server.http;

import io.tunelab.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The folder the web UI's files are unpacked to: what a killed server left there is deleted at
 * the next start, nothing of a running server's or another host's is, and a shared folder anyone
 * else could write to is not used.
 */
class FileCacheFolderTest {
    private static final String HOST = "host-a";

    @TempDir
    Path dir;
    /** Every server process the test started: none outlives it, whatever assertion fails. */
    private final List<Process> started = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killTheServersLeft() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStartDeletesTheFoldersOfThisHostsServersThatAreGone() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        long dead = exitedProcessId();
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        Path deadOne = folder(shared, dead + "@" + HOST);
        Files.writeString(Files.createDirectories(deadOne.resolve("META-INF/resources/tunelab")).resolve("index.html"), "<html>");
        Path running = folder(shared, alive + "@" + HOST);
        Path otherHost = folder(shared, dead + "@host-b");
        Path notOurs = Files.createDirectory(shared.resolve("notes-" + UUID.randomUUID()));

        var options = new FileCacheFolder(shared, ProcessHandle.current().pid(), HOST).options();

        assertThat(deadOne).as("a gone server's folder, with what it unpacked").doesNotExist();
        assertThat(running).as("a running server's").exists();
        assertThat(otherHost).as("another host's: its processes cannot be seen from here").exists();
        assertThat(notOurs).exists();
        assertThat(options.getFileCacheDir()).isEqualTo(shared.resolve(ProcessHandle.current().pid() + "@" + HOST).toString());
    }

    @Test
    void aSharedFolderOthersCanWriteToIsNotUsedNorCleaned() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path deadOne = folder(shared, exitedProcessId() + "@" + HOST);

        var options = new FileCacheFolder(shared, ProcessHandle.current().pid(), HOST).options();

        assertThat(options.getFileCacheDir()).as("Vert.x's default place").doesNotStartWith(shared.toString());
        assertThat(deadOne).exists();
    }

    @Test
    void aLinkInPlaceOfTheSharedFolderIsNotFollowed() throws Exception {
        Path target = Files.createDirectory(dir.resolve("target"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path deadOne = folder(target, exitedProcessId() + "@" + HOST);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        var options = new FileCacheFolder(link, ProcessHandle.current().pid(), HOST).options();

        assertThat(options.getFileCacheDir()).doesNotStartWith(link.toString());
        assertThat(deadOne).exists();
    }

    @Test
    void aKilledServersFolderIsGoneAfterTheNextStartAndAStoppedOneTakesItsOwn() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path shared = tmp.resolve("tunelab-vertx-" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_"));

        Process first = server(tmp, "first");
        List<Path> firstFolders = awaitFolders(shared, first, "first");
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(firstFolders).as("a SIGKILL runs no shutdown hook").allMatch(Files::exists);

        Process second = server(tmp, "second");
        List<Path> secondFolders = awaitFolders(shared, second, "second");
        assertThat(firstFolders).as("the killed server's folder after the next start").noneMatch(Files::exists);
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(secondFolders).as("a stopped server deletes its own").noneMatch(Files::exists);
    }

    private Process server(Path tmp, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--port", "0", "--data-dir", dir.resolve(name).toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(p);
        return p;
    }

    /** The folders of a started server's process once it listens. */
    private List<Path> awaitFolders(Path shared, Process server, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(until)) {
            assertThat(server.isAlive()).as("server running; its log: %s", log).isTrue();
            if (Files.exists(log) && Files.readString(log).contains("listening on")) {
                try (Stream<Path> folders = Files.list(shared)) {
                    List<Path> own = folders.filter(f -> f.getFileName().toString().startsWith(server.pid() + "@")).toList();
                    assertThat(own).as("its folder in %s", shared).hasSize(1);
                    return own;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not listen within 90 s; its log: " + log);
    }

    private static Path folder(Path shared, String prefix) throws IOException {
        return Files.createDirectory(shared.resolve(prefix + "-" + UUID.randomUUID()));
    }

    private static long exitedProcessId() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
