package io.tunelab.server.http.auth;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer secrets that passed their SHA-256 check, each with its token's name, so a client that
 * sends the same secret on every request is not hashed on every request. A secret is found by its
 * exact text (a hash-map lookup, then an equality check on the whole secret), never by a digest
 * alone, so no other secret can pass for it. Holds at most {@link #CAPACITY} secrets and forgets
 * them all when full: a forgotten secret is only hashed again. It says nothing about whether the
 * token is still live; {@link Tokens} asks that on every hit. Thread-safe.
 */
final class VerifiedSecrets {
    /** The most secrets held at once: far more than the tokens a deployment has. */
    static final int CAPACITY = 4_096;

    private final ConcurrentHashMap<String, String> nameBySecret = new ConcurrentHashMap<>();

    /** The name of the token whose secret this is, when it was verified before. */
    Optional<String> nameOf(String secret) {
        return Optional.ofNullable(nameBySecret.get(secret));
    }

    /** Remembers a secret whose hash matched the named token. */
    void remember(String secret, String tokenName) {
        if (nameBySecret.size() >= CAPACITY) {
            nameBySecret.clear();
        }
        nameBySecret.put(secret, tokenName);
    }

    /** How many secrets are held now. */
    int size() {
        return nameBySecret.size();
    }
}
