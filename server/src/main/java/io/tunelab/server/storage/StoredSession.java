package io.tunelab.server.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A browser session's row: the SHA-256 (hex) of its id (the cookie's value, never stored), the
 * name of the token it was opened with, its anti-CSRF value, when it was opened and when it ends.
 */
public record StoredSession(String idHash, String tokenName, String csrf, Instant created, Instant expires) {
    public StoredSession {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(tokenName, "tokenName");
        Objects.requireNonNull(csrf, "csrf");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }
}
