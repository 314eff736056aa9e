package io.tunelab.server.experiment;

import java.util.Base64;

/**
 * A request id as a request carried it, with who sent it and what it asked: the token's name and
 * a digest of the request's body. An answer is stored with both, and a request under the same id
 * gets that answer only when both match (a retry), so a token cannot read another's answer (an
 * ask's answer holds its lease) by reusing its id, and a request that differs from the first
 * under its id is refused instead of answered as if it were the first. An in-process caller's key
 * ({@link #of(String)}) has neither: it matches whatever was stored under its id, as every key
 * matches an answer stored before either was kept.
 *
 * @param id     the id, as the caller gave it (checked by {@link Requests#check})
 * @param caller the token's name, or null for an in-process caller
 * @param body   the first 128 bits of the body's SHA-256 in base64url, or null for an in-process caller
 * @param shown  the id a refusal names: the caller's own, also for a key derived from it ({@link #withId})
 */
public record RequestKey(String id, String caller, String body, String shown) {

    /** A key whose refusals name {@code id} itself. */
    public RequestKey(String id, String caller, String body) {
        this(id, caller, body, id);
    }

    /** An in-process caller's key for {@code id}: no token and no body to compare; null without an id. */
    public static RequestKey of(String id) {
        return id == null ? null : new RequestKey(id, null, null);
    }

    /** The key of a request under {@code id} (null without one) by the token {@code caller} with {@code body} (empty when none). */
    public static RequestKey of(String id, String caller, byte[] body) {
        return id == null ? null : new RequestKey(id, caller, digest(body));
    }

    /** The same caller and body under another id: a stored answer derived from this request's own. */
    RequestKey withId(String other) {
        return new RequestKey(other, caller, body, shown);
    }

    static String digest(byte[] body) {
        byte[] sha = Sha256.of(body == null ? new byte[0] : body);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(sha, 16));
    }
}
