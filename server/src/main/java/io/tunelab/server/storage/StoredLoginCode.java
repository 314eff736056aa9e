package io.tunelab.server.storage;

import java.time.Instant;
import java.util.Objects;

/** A one-time login code's row: the SHA-256 (hex) of the code (never stored), the token it logs in as, when it ends. */
public record StoredLoginCode(String codeHash, String tokenName, Instant expires) {
    public StoredLoginCode {
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(tokenName, "tokenName");
        Objects.requireNonNull(expires, "expires");
    }
}
