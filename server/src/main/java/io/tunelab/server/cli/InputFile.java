package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import io.tunelab.client.WholeFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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
     * The file's text; missing, a directory, larger than {@code maxBytes} or not UTF-8 is an
     * INVALID_ARGUMENT error. {@code limit} says what the bound is, after "has N bytes; ", as "the
     * server takes at most 1048576 in one request: split it". A pipe, as {@code <(command)} gives,
     * is read up to the bound too, so an endless one such as /dev/zero is refused rather than read
     * until memory runs out.
     */
    static String read(Path file, String what, long maxBytes, String limit) {
        try {
            if (Files.isDirectory(file)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " is a directory; give a file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            if (bytes.length > maxBytes) {
                String size = Files.isRegularFile(file) ? Long.toString(Files.size(file)) : "more than " + maxBytes;
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, what + " " + file + " has " + size + " bytes; " + limit);
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
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
