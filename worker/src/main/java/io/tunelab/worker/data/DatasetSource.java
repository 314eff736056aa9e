package io.tunelab.worker.data;

import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a task's data comes from: a bundled sample by name, or a CSV file on the worker's
 * disk. Reading never downloads anything.
 */
public sealed interface DatasetSource {
    /** The samples shipped in the worker jar, under {@code /datasets/NAME.csv}. */
    List<String> BUNDLED = List.of("digits", "iris", "wine", "breast_cancer", "diabetes");

    /** Reads the table; an unknown name or a missing file is an INVALID_SPEC error that says which. */
    RawTable read();

    /** How the source is named in reports and provenance. */
    String describe();

    record Bundled(String name) implements DatasetSource {
        public Bundled {
            if (!BUNDLED.contains(name)) {
                throw TunelabException.invalidSpec("dataset.name: unknown dataset \"" + name + "\"; bundled datasets: "
                        + String.join(", ", BUNDLED) + " (or give dataset.path to a CSV file)");
            }
        }

        @Override
        public RawTable read() {
            try (InputStream in = DatasetSource.class.getResourceAsStream("/datasets/" + name + ".csv")) {
                if (in == null) {
                    throw new IllegalStateException("the worker jar lacks /datasets/" + name + ".csv");
                }
                return parse(describe(), in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read bundled dataset " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return name;
        }
    }

    record CsvFile(Path path) implements DatasetSource {
        @Override
        public RawTable read() {
            try {
                return parse(describe(), Files.readAllBytes(path));
            } catch (NoSuchFileException e) {
                throw TunelabException.invalidSpec("dataset.path: no file at " + path.toAbsolutePath()
                        + " on this worker; the path must be readable by the worker process");
            } catch (IOException e) {
                throw TunelabException.invalidSpec("dataset.path: cannot read " + path.toAbsolutePath() + ": " + e.getMessage());
            }
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    private static RawTable parse(String source, byte[] bytes) {
        try {
            return CsvReader.read(source, new String(bytes, StandardCharsets.UTF_8), sha256(bytes));
        } catch (IllegalArgumentException e) {
            throw TunelabException.invalidSpec("dataset: " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
