package io.tunelab.experiments.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary folders the benchmarks put a server's data, logs and the anchors' files in. A
 * throughput run leaves an H2 file of some 130 MB, so each folder is deleted when the benchmark's
 * JVM exits, normally, by an exception or by Ctrl-C, after the processes it started are stopped
 * (see {@link AtExit}); {@code -Dtunelab.keep-scratch=true} keeps them, for reading a server's log.
 */
public final class Scratch {
    private static final boolean KEEP = Boolean.getBoolean("tunelab.keep-scratch");

    private Scratch() {
    }

    /** A new empty folder under the system's temporary folder, deleted with everything in it at exit. */
    public static Path directory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        if (KEEP) {
            System.err.println("keeping " + dir + " (tunelab.keep-scratch)");
        } else {
            AtExit.delete(dir);
        }
        return dir;
    }

    /** Deletes the folder and everything in it; a folder already gone is not an error. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
