package io.tunelab.server.experiment;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.HexFormat;

/** A file's size and SHA-256 (lower-case hex), read once as a stream: what uploads are stored and named by. */
record FileDigest(long size, String sha256) {

    static FileDigest of(Path file, String what) {
        try (var in = new DigestInputStream(Files.newInputStream(file), Sha256.digest())) {
            long size = in.transferTo(OutputStream.nullOutputStream());
            return new FileDigest(size, HexFormat.of().formatHex(in.getMessageDigest().digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded " + what + " " + file, e);
        }
    }
}
