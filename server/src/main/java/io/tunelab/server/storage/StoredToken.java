package io.tunelab.server.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A token row: its unique name, its scopes (lower-case names, as {@code read}), the SHA-256 (hex)
 * of its secret, when it was created and, once revoked, when. The secret itself is never stored.
 */
public record StoredToken(String name, List<String> scopes, String hash, Instant created, Instant revoked) {
    public StoredToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hash, "hash");
        scopes = List.copyOf(scopes);
    }

    public boolean isRevoked() {
        return revoked != null;
    }
}
