package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DataSandboxTest {
    static final long MB = 1 << 20;
    static final String CSV = "x,target\n1,a\n2,b\n3,a\n";

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    /** Every file the sandbox opened; a non-regular file fails the open instead of blocking the test. */
    final List<Path> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(tmp.resolve("data")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("private")).toRealPath();
        Files.writeString(outside.resolve("secret.csv"), "user,target\nroot,x\nalice,y\n");
        Files.writeString(root.resolve("good.csv"), CSV);
    }

    DataSandbox sandbox(long maxBytes, Path... roots) {
        return DataSandbox.of(List.of(roots), maxBytes, real -> {
            opened.add(real);
            if (!Files.isRegularFile(real)) {
                throw new IOException("opened a file that is not regular: " + real);
            }
            return Files.newInputStream(real);
        });
    }

    DataSandbox sandbox() {
        return sandbox(512 * MB, root);
    }

    @Test
    void etcPasswdIsRefusedNamingThePathTheRootsAndHowToAllowIt() {
        assertThatThrownBy(() -> sandbox().read("/etc/passwd"))
                .isInstanceOf(DataRefusedException.class)
                .hasMessageContaining("dataset.path \"/etc/passwd\" is outside the data roots of this worker (" + root + ")")
                .hasMessageContaining("--data-root DIR");
        assertThat(opened).isEmpty();
    }

    @Test
    void aWorkerWithoutADataRootReadsNoFileAndNamesTheBundledDatasets() {
        assertThatThrownBy(() -> sandbox(512 * MB).read(root.resolve("good.csv").toString()))
                .isInstanceOf(DataRefusedException.class)
                .hasMessageContaining("started without --data-root")
                .hasMessageContaining("digits, iris");
        assertThatThrownBy(() -> sandbox(512 * MB).read("good.csv")).isInstanceOf(DataRefusedException.class);
        assertThat(opened).isEmpty();
    }

    @Test
    void dotDotSegmentsAreRefusedEvenWhenTheyWouldStayInside() {
        for (String path : List.of("../private/secret.csv", root + "/../private/secret.csv", "sub/../good.csv")) {
            assertThatThrownBy(() -> sandbox().read(path))
                    .isInstanceOf(DataRefusedException.class)
                    .hasMessageContaining("dataset.path \"" + path + "\" has a \"..\" segment")
                    .hasMessageContaining(root.toString());
        }
        assertThat(opened).isEmpty();
    }

    @Test
    void aSymbolicLinkThatLeadsOutOfTheRootIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("link.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(root.resolve("linked-dir"), outside);

        for (String path : List.of("link.csv", root + "/link.csv", "linked-dir/secret.csv")) {
            assertThatThrownBy(() -> sandbox().read(path))
                    .isInstanceOf(DataRefusedException.class)
                    .hasMessageContaining("dataset.path \"" + path + "\" leads through a symbolic link to a place outside the data roots (" + root + ")")
                    .hasMessageContaining("--data-root DIR")
                    .hasMessageNotContaining(outside.toString());
        }
        assertThat(opened).isEmpty();
    }

    @Test
    void aSymbolicLinkWithinTheRootAndARootNamedThroughALinkAreFine() throws IOException {
        Files.createSymbolicLink(root.resolve("alias.csv"), root.resolve("good.csv"));
        Path rootLink = Files.createSymbolicLink(tmp.resolve("data-link"), root);

        assertThat(sandbox().read("alias.csv").rows()).hasSize(3);
        assertThat(sandbox(MB, rootLink).read(rootLink.resolve("good.csv").toString()).rows()).hasSize(3);
        assertThat(opened).containsOnly(root.resolve("good.csv"));
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        Files.createDirectories(root.resolve("sub.csv"));

        assertThatThrownBy(() -> sandbox().read("sub.csv"))
                .isInstanceOf(DataRefusedException.class).hasMessageContaining("dataset.path \"sub.csv\" is a directory");
        assertThatThrownBy(() -> sandbox().read(root.toString()))
                .isInstanceOf(DataRefusedException.class).hasMessageContaining("is a directory");
        assertThat(opened).isEmpty();
    }

    @Test
    void aFifoIsRefusedBeforeItIsOpened() throws Exception {
        Path fifo = root.resolve("pipe.csv");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            return;
        }
        assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");

        assertThatThrownBy(() -> sandbox().read("pipe.csv"))
                .isInstanceOf(DataRefusedException.class)
                .hasMessageContaining("dataset.path \"pipe.csv\" is not a regular file (it is a FIFO, a device or a socket)");
        assertThat(opened).isEmpty();
    }

    @Test
    void aDeviceIsRefusedWhenARootHoldsOne() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero");
        assertThatThrownBy(() -> sandbox(MB, Path.of("/dev")).read("zero"))
                .isInstanceOf(DataRefusedException.class).hasMessageContaining("is not a regular file");
        assertThat(opened).isEmpty();
    }

    @Test
    void aSparseTwoGigabyteFileIsRefusedByTheCapBeforeReading() throws IOException {
        try (var file = new RandomAccessFile(root.resolve("huge.csv").toFile(), "rw")) {
            file.setLength(2L << 30);
        }

        assertThatThrownBy(() -> sandbox().read("huge.csv"))
                .isInstanceOf(DataRefusedException.class)
                .hasMessageContaining("dataset.path \"huge.csv\" is 2048 MB, above the worker's limit of 512 MB")
                .hasMessageContaining("--max-data-mb");
        assertThat(opened).isEmpty();
    }

    @Test
    void aFileThatGrowsPastTheCapAfterTheCheckIsRefusedAfterCapPlusOneBytes() throws IOException {
        var sandbox = sandbox(100, root);
        Path growing = root.resolve("growing.csv");
        Files.writeString(growing, CSV);
        var located = sandbox.locate("growing.csv");
        Files.writeString(growing, "1,a\n".repeat(1000), StandardOpenOption.APPEND);

        assertThatThrownBy(() -> sandbox.read(located))
                .isInstanceOf(DataRefusedException.class)
                .hasMessageContaining("dataset.path \"growing.csv\" holds more than the worker's limit of 100 bytes");
    }

    @Test
    void aFileInsideTheRootIsReadByAbsoluteOrRelativePath() throws IOException {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/nested.csv"), CSV);

        RawTable absolute = sandbox().read(root.resolve("good.csv").toString());
        RawTable relative = sandbox().read("./sub/nested.csv");

        assertThat(absolute.source()).isEqualTo(root.resolve("good.csv").toString());
        assertThat(absolute.columns()).containsExactly("x", "target");
        assertThat(absolute.rows()).hasSize(3);
        assertThat(relative.source()).isEqualTo("./sub/nested.csv");
        assertThat(relative.sha256()).isEqualTo(absolute.sha256());
        assertThat(opened).containsExactly(root.resolve("good.csv"), root.resolve("sub/nested.csv"));
    }

    @Test
    void aRelativePathIsLookedUpUnderEachRootInTurn() throws IOException {
        Path second = Files.createDirectories(tmp.resolve("more")).toRealPath();
        Files.writeString(second.resolve("other.csv"), CSV);

        assertThat(sandbox(MB, root, second).read("other.csv").rows()).hasSize(3);
        assertThat(opened).containsExactly(second.resolve("other.csv"));
        assertThatThrownBy(() -> sandbox(MB, root, second).read("missing.csv"))
                .isInstanceOf(TunelabException.InvalidSpec.class)
                .hasMessageContaining("dataset.path \"missing.csv\": no such file under (" + root + ", " + second + ")");
    }

    @Test
    void aRootMustBeAnExistingDirectoryAndTheCapWithinRange() {
        assertThatThrownBy(() -> DataSandbox.of(List.of(tmp.resolve("nowhere")), MB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--data-root " + tmp.resolve("nowhere") + ": no such directory");
        assertThatThrownBy(() -> DataSandbox.of(List.of(root.resolve("good.csv")), MB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> DataSandbox.of(List.of(root), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-data-mb must be from 1 to 2047");
    }

    @Test
    void aFileNamedOnTheCommandLineMayBeALinkButMustBeARegularFileWithinTheCap() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("rows.csv"), outside.resolve("secret.csv"));

        assertThat(DataSandbox.readNamed(link, MB).rows()).hasSize(2);
        assertThatThrownBy(() -> DataSandbox.readNamed(root, MB)).isInstanceOf(DataRefusedException.class);
        assertThatThrownBy(() -> DataSandbox.readNamed(root.resolve("good.csv"), 10))
                .isInstanceOf(DataRefusedException.class).hasMessageContaining("above the worker's limit");
    }
}
