package io.tunelab.client;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * A file a command writes whole or not at all: into a temporary file beside the target, moved
 * over it once complete, so a refused or broken download leaves an existing file as it was and
 * no partial file behind. The command line's downloads, exports and predictions write this way.
 */
public final class WholeFile {
    /** Writes a body to a stream; the stream is not to be closed by it. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private WholeFile() {
    }

    /**
     * The absolute file to write for {@code file}, or an error that names {@code flag} and a file it
     * could be ({@code example}): an empty name, a directory, a device or a pipe (which the move
     * would replace by a plain file), or a file in a directory that does not exist. A symbolic link
     * to a file is followed, so the link stays and the file it names is replaced.
     */
    public static Path target(Path file, String flag, String example) {
        if (file.toString().isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " is empty; give a file to write, as " + example);
        }
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + " is a directory; give a file in it, as "
                    + file.resolve(example));
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + " is not a regular file but a device or a pipe, "
                    + "which writing whole would replace; give a file, as " + example);
        }
        if (Files.isSymbolicLink(target) && Files.exists(target)) {
            try {
                target = target.toRealPath();
            } catch (IOException e) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + ": cannot follow its link (" + reason(e) + ")");
            }
        }
        if (!Files.isDirectory(target.getParent())) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " " + file + ": there is no directory "
                    + target.getParent() + "; give a file in an existing directory");
        }
        return target;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path partial;
        try {
            partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot write " + target + ": its directory takes no new file ("
                    + reason(e) + "); give a file in a directory you may write");
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

    /** Why a file operation failed, in words rather than an exception's class name: "permission denied", "no such file". */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? "an input or output error" : e.getMessage();
    }
}
