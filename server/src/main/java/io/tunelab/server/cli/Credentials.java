package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a client command finds its token: {@code --token-file}, else {@code $TUNELAB_TOKEN}
 * (passed in by the command, which alone reads the environment), else the admin token a server
 * on this machine wrote to its data directory, when that file is readable.
 */
final class Credentials {
    private Credentials() {
    }

    /** The token to send, or null when there is none (the server then answers 401 with how to get one). */
    static String token(Path tokenFile, String environment, String serverUrl, Path localAdminFile) {
        if (tokenFile != null) {
            return read(tokenFile);
        }
        if (environment != null && !environment.isBlank()) {
            return environment.strip();
        }
        if (isLocal(serverUrl) && Files.isReadable(localAdminFile)) {
            return read(localAdminFile);
        }
        return null;
    }

    /** The most a token file may hold: a token is some 50 characters, so a larger file is the wrong file. */
    static final long MAX_TOKEN_FILE_BYTES = 4096;

    private static String read(Path file) {
        String token = InputFile.read(file, "token file", MAX_TOKEN_FILE_BYTES,
                "a token file holds one token, as tl_…; give the file the token was saved to").strip();
        if (token.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the token file " + file + " is empty; it should hold one token, as tl_…");
        }
        return token;
    }

    private static boolean isLocal(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
