package io.tunelab.server.http.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SipHash-2-4 with 128-bit output (Aumasson and Bernstein, 2012): a keyed pseudorandom function
 * of a byte string, made for hash tables whose keys an attacker chooses. Without the 128-bit key
 * its output says nothing about its input; on a bearer secret it costs a few dozen nanoseconds.
 * Immutable and thread-safe.
 */
final class SipHash {
    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final long k0;
    private final long k1;

    /** The function under the key {@code k0, k1} (its two little-endian 64-bit halves). */
    SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The 128-bit SipHash-2-4 of {@code in} (the variant with 128-bit output), as two longs: first, second. */
    long[] hash128(byte[] in) {
        long[] v = absorb(in);
        v[2] ^= 0xee;
        rounds(v, 4);
        long first = v[0] ^ v[1] ^ v[2] ^ v[3];
        v[1] ^= 0xdd;
        rounds(v, 4);
        return new long[] {first, v[0] ^ v[1] ^ v[2] ^ v[3]};
    }

    /** The state after the key, {@code in} and its length. */
    private long[] absorb(byte[] in) {
        long[] v = {0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1 ^ 0xee, 0x6c7967656e657261L ^ k0, 0x7465646279746573L ^ k1};
        int whole = in.length & ~7;
        for (int i = 0; i < whole; i += 8) {
            compress(v, (long) LITTLE_ENDIAN_LONG.get(in, i));
        }
        compress(v, word(in, whole, in.length - whole) | ((long) in.length << 56));
        return v;
    }

    private static void compress(long[] v, long m) {
        v[3] ^= m;
        rounds(v, 2);
        v[0] ^= m;
    }

    private static void rounds(long[] v, int n) {
        long v0 = v[0];
        long v1 = v[1];
        long v2 = v[2];
        long v3 = v[3];
        for (int r = 0; r < n; r++) {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13) ^ v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17) ^ v2;
            v2 = Long.rotateLeft(v2, 32);
        }
        v[0] = v0;
        v[1] = v1;
        v[2] = v2;
        v[3] = v3;
    }

    /** The last {@code n} (0 to 7) bytes from {@code at}, little-endian. */
    private static long word(byte[] in, int at, int n) {
        long w = 0;
        for (int i = n - 1; i >= 0; i--) {
            w = (w << 8) | (in[at + i] & 0xffL);
        }
        return w;
    }
}
