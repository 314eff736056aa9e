package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file a command writes whole or not at all: into a temporary file beside the target, moved
 * over it once complete, so a refused or broken download leaves an existing file as it was and
 * no partial file behind.
 */
final class WholeFile {
    /** Writes a body to a stream; the stream is not to be closed by it. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private WholeFile() {
    }

    /** The absolute target, or an error naming {@code flag} when its directory does not exist. */
    static Path target(Path file, String flag) {
        Path target = file.toAbsolutePath();
        if (!Files.isDirectory(target.getParent())) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + ": there is no directory "
                    + target.getParent() + "; give a file in an existing directory");
        }
        return target;
    }

    static void write(Path target, Writer writer) throws IOException {
        Path partial;
        try {
            partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot write " + target + ": its directory takes no new file ("
                    + (e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName()
                    .replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(java.util.Locale.ROOT)) + "); give a file in a directory you may write");
        }
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                writer.write(out);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
