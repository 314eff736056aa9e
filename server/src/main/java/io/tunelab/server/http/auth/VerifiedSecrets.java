package io.tunelab.server.http.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer secrets that passed their SHA-256 check, each with its token's name, so a client that
 * sends the same secret on every request is not hashed with SHA-256 on every request. No secret is
 * held: each is known by its 128-bit {@link SipHash} under a random key drawn when this is built
 * (once per process); the first half places it in the map, the second, its tag, is compared in
 * constant time ({@link MessageDigest#isEqual}). Without the key the hash says nothing about the
 * secret, so neither where a secret lands nor how long the comparison takes tells an attacker
 * anything about a remembered one, and another secret passes for one only by matching all 128 bits. Holds at
 * most {@link #CAPACITY} secrets and forgets them all when full: a forgotten secret is only hashed
 * again. It says nothing about whether the token is still live; {@link Tokens} asks that on every
 * hit. Thread-safe.
 */
final class VerifiedSecrets {
    /** The most secrets held at once: far more than the tokens a deployment has. */
    static final int CAPACITY = 4_096;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A remembered secret's tag and its token's name. */
    private record Entry(byte[] tag, String tokenName) {
    }

    private final SipHash sipHash = new SipHash(RANDOM.nextLong(), RANDOM.nextLong());
    private final ConcurrentHashMap<Long, Entry> bySlot = new ConcurrentHashMap<>();

    /** The name of the token whose secret this is, when it was verified before. */
    Optional<String> nameOf(String secret) {
        long[] hash = sipHash.hash128(secret.getBytes(StandardCharsets.UTF_8));
        Entry entry = bySlot.get(hash[0]);
        if (entry == null || !MessageDigest.isEqual(entry.tag(), tag(hash))) {
            return Optional.empty();
        }
        return Optional.of(entry.tokenName());
    }

    /** Remembers a secret whose hash matched the named token. */
    void remember(String secret, String tokenName) {
        if (bySlot.size() >= CAPACITY) {
            bySlot.clear();
        }
        long[] hash = sipHash.hash128(secret.getBytes(StandardCharsets.UTF_8));
        bySlot.put(hash[0], new Entry(tag(hash), tokenName));
    }

    /** How many secrets are held now. */
    int size() {
        return bySlot.size();
    }

    private static byte[] tag(long[] hash) {
        return ByteBuffer.allocate(Long.BYTES).putLong(hash[1]).array();
    }
}
