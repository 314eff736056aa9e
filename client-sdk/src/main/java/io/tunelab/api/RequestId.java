package io.tunelab.api;

import java.util.UUID;

/**
 * The request id an ask or a tell carries in the {@value #HEADER} header: the server stores the
 * answer under it in the same commit as the change, and answers a retry carrying the same id
 * with that answer instead of applying it again. An id is 1 to {@value #MAX_LENGTH} letters,
 * digits or {@code . _ : -}; a fresh time-ordered UUID per request (not per retry) is what the SDK sends.
 */
public final class RequestId {
    public static final String HEADER = "Tunelab-Request-Id";
    public static final int MAX_LENGTH = 64;

    private RequestId() {
    }

    /**
     * A new id for one request and its retries: a UUID whose first 48 bits are the time in
     * milliseconds (the layout of a version 7 UUID) and whose other bits are random, so ids made
     * one after another sort in that order. The server stores each answer under its id in the
     * same commit as the change; ids in order land side by side in its index, where random ones
     * cost each group commit pages of their own.
     */
    public static String random() {
        UUID random = UUID.randomUUID();
        long timeFirst = (System.currentTimeMillis() << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
        return new UUID(timeFirst, random.getLeastSignificantBits()).toString();
    }
}
