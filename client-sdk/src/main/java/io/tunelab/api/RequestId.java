package io.tunelab.api;

import java.util.UUID;

/**
 * The request id an ask or a tell carries in the {@value #HEADER} header: the server stores the
 * answer under it in the same commit as the change, and answers a retry carrying the same id
 * with that answer instead of applying it again. An id is 1 to {@value #MAX_LENGTH} letters,
 * digits or {@code . _ : -}; a fresh random UUID per request (not per retry) is what the SDK sends.
 */
public final class RequestId {
    public static final String HEADER = "Tunelab-Request-Id";
    public static final int MAX_LENGTH = 64;

    private RequestId() {
    }

    /** A new id for one request and its retries. */
    public static String random() {
        return UUID.randomUUID().toString();
    }
}
