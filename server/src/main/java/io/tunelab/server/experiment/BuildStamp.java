package io.tunelab.server.experiment;

import io.tunelab.api.Trial;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Which build of the code that makes the server's answers is running: a digest of the name, size
 * and modification time of the server's jar and the API's (or of every file in their class
 * folders). Answers stored as JSON by one build ({@link io.tunelab.server.storage.StoredFirstReads})
 * are served only by the same build: another may write them differently. When the code's files
 * cannot be read, a stamp no stored answer has, so nothing stored is served.
 */
final class BuildStamp {
    private static final String CURRENT = make();

    private BuildStamp() {
    }

    /** The running build's stamp, 16 hex digits. */
    static String current() {
        return CURRENT;
    }

    private static String make() {
        try {
            var code = new ArrayList<Path>();
            for (Class<?> c : List.of(BuildStamp.class, Trial.class)) {
                code.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            }
            return of(code);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown-" + UUID.randomUUID();
        }
    }

    /** The stamp of the jars or class folders {@code code}: 16 hex digits of a digest of each file's name, size and modification time. */
    static String of(List<Path> code) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path root : code) {
            try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    digest.update((root.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            digest.update(root.toString().getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
}
