package io.tunelab.server.http.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions and one-time login codes, in memory only (a restart logs browsers out).
 * A session has a random id (the HttpOnly cookie), the name of the token it was opened with, an
 * anti-CSRF value that every non-GET request must echo in {@value #CSRF_HEADER}, and an expiry.
 * A login code opens one session, once. Thread-safe.
 */
public final class Sessions {
    public static final String COOKIE = "tunelab_session";
    public static final String CSRF_HEADER = "X-Tunelab-CSRF";
    static final Duration SESSION_TTL = Duration.ofHours(12);
    static final Duration CODE_TTL = Duration.ofHours(8);
    private static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One browser's session: whose token opened it, its anti-CSRF value, when it ends. */
    public record Session(String id, String tokenName, String csrf, Instant expires) {
    }

    private record Code(String tokenName, Instant expires) {
    }

    private final InstantSource clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();

    public Sessions(InstantSource clock) {
        this.clock = clock;
    }

    /** Opens a session for the token named {@code tokenName}. */
    public Session open(String tokenName) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.expires().isAfter(now));
        }
        var session = new Session(random(), tokenName, random(), now.plus(SESSION_TTL));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, or empty. */
    public Optional<Session> find(String id) {
        Session s = id == null ? null : sessions.get(id);
        if (s != null && !s.expires().isAfter(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.ofNullable(s);
    }

    public void close(String id) {
        sessions.remove(id);
    }

    /** A new one-time code that opens a session for the token named {@code tokenName}. */
    public String loginCode(String tokenName) {
        String code = random();
        codes.put(code, new Code(tokenName, clock.instant().plus(CODE_TTL)));
        return code;
    }

    /** The token name a code was made for, once: the code is gone afterwards. Empty when unknown or expired. */
    public Optional<String> redeem(String code) {
        Code c = code == null ? null : codes.remove(code);
        return c == null || !c.expires().isAfter(clock.instant()) ? Optional.empty() : Optional.of(c.tokenName());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
