package io.tunelab.server.experiment;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests made by copying one made at start-up: {@link MessageDigest#getInstance} looks the
 * algorithm up among the JVM's providers on every call, which was three quarters of the time a
 * tell's request key took to digest its body (JFR, 2026-12-07). Also the tokens' hash. Thread-safe:
 * every call has a digest of its own.
 */
public final class Sha256 {
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private Sha256() {
    }

    /** A new SHA-256 digest, ready for its first update. */
    public static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this JVM's SHA-256 cannot be copied", e);
        }
    }

    /** The SHA-256 of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        return digest().digest(bytes);
    }
}
