package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A small UTF-8 file a command sends whole, read with errors that name the file and the flag. */
final class InputFile {
    private InputFile() {
    }

    /** The file's text; missing, a directory, larger than {@code maxBytes} or not UTF-8 is an INVALID_ARGUMENT error. */
    static String read(Path file, String what, long maxBytes) {
        try {
            if (Files.isDirectory(file)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is a directory; give a file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " has " + size + " bytes; the server takes at most "
                        + maxBytes + " in one request: split it");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }
}
