package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A small UTF-8 file a command reads whole, with errors that name the file and say what would be right. */
final class InputFile {
    /** The most a file sent in one request body may hold: the server's bound on a JSON, YAML or CSV body. */
    static final long MAX_REQUEST_BYTES = 1024 * 1024;

    private InputFile() {
    }

    /**
     * The file's text; missing, a directory, not a regular file (a device or a pipe), larger than
     * {@code maxBytes} or not UTF-8 is an INVALID_ARGUMENT error. {@code limit} says what the bound
     * is, after "has N bytes; ", as "the server takes at most 1048576 in one request: split it".
     */
    static String read(Path file, String what, long maxBytes, String limit) {
        try {
            if (Files.isDirectory(file)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is a directory; give a file");
            }
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is not a regular file (a device or a pipe); give a file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " has " + size + " bytes; " + limit);
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot read " + what + " " + file + " ("
                    + WholeFile.reason(e) + "); give a file you may read");
        }
    }
}
