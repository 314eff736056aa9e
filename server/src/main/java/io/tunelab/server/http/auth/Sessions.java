package io.tunelab.server.http.auth;

import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredLoginCode;
import io.tunelab.server.storage.StoredSession;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Browser sessions and one-time login codes, stored in the database (tables {@code browser_session}
 * and {@code login_code}), so a restart does not log browsers out and every coordinator sharing
 * the database knows them. A session has a random id (the HttpOnly cookie; only its SHA-256 is
 * stored), the name of the token it was opened with, an anti-CSRF value that every non-GET request
 * must echo in {@value #CSRF_HEADER}, and an expiry. A token keeps at most
 * {@value #SESSIONS_PER_TOKEN} sessions: a login beyond them ends the token's oldest. A login code
 * opens one session, once, on whichever coordinator.
 *
 * <p>On a database this process alone writes, the live sessions are held in memory (read at start
 * and again after each login; a logout drops its own), so finding a request's session never waits
 * for storage. On a database other coordinators share, a session is read from the database when a
 * request first shows it and again once {@link #SHARED_RECHECK} has passed: a logout on another
 * coordinator ends it here within that time, as a token's revocation does. {@link #open},
 * {@link #close}, {@link #loginCode} and {@link #redeem} write to storage: call them off the event
 * loop. Thread-safe.
 */
public final class Sessions {
    public static final String COOKIE = "tunelab_session";
    public static final String CSRF_HEADER = "X-Tunelab-CSRF";
    static final Duration SESSION_TTL = Duration.ofHours(12);
    static final Duration CODE_TTL = Duration.ofHours(8);
    /** How many sessions one token keeps; a login beyond them ends the oldest. */
    static final int SESSIONS_PER_TOKEN = 100;
    /** How long a session read from a shared database is trusted before it is read again. */
    static final Duration SHARED_RECHECK = Duration.ofSeconds(5);
    /** Sessions read from a shared database that are held before those read longest ago are dropped. */
    private static final int MAX_HELD = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One browser's session: its id (the cookie's value), whose token opened it, its anti-CSRF value, when it ends. */
    public record Session(String id, String tokenName, String csrf, Instant expires) {
    }

    /** A cookie's session id and the SHA-256 it is stored under, computed once per request. */
    public record Lookup(String id, String hash) {
        /** The lookup of the session id {@code id}; null for none (null or empty). */
        public static Lookup of(String id) {
            return id == null || id.isEmpty() ? null : new Lookup(id, Tokens.hash(id));
        }
    }

    /** A stored session as this process holds it, with when it was read (nanoTime). */
    private record Held(StoredSession row, long readAt) {
    }

    private final Storage storage;
    private final InstantSource clock;
    private final boolean shared;
    private final Map<String, Held> byHash = new ConcurrentHashMap<>();

    /** Reads the live sessions of a database this process alone writes; on a shared one, reads them as requests show them. */
    public Sessions(Storage storage, InstantSource clock) {
        this.storage = storage;
        this.clock = clock;
        this.shared = storage.shared().isPresent();
        if (!shared) {
            readAll();
        }
    }

    /** Opens a session for the token named {@code tokenName}, ending its oldest beyond {@value #SESSIONS_PER_TOKEN}. */
    public Session open(String tokenName) {
        Instant now = clock.instant();
        String id = random();
        var row = new StoredSession(Tokens.hash(id), tokenName, random(), now, now.plus(SESSION_TTL));
        synchronized (this) {
            storage.write(c -> c.insertSession(row, SESSIONS_PER_TOKEN));
            if (shared) {
                byHash.put(row.idHash(), new Held(row, System.nanoTime()));
            } else {
                readAll();
            }
        }
        return session(id, row);
    }

    /**
     * Whether {@link #find} reads the session with this id from storage: on a shared database,
     * one not read within {@link #SHARED_RECHECK}. Such a find is called off the event loop.
     */
    public boolean readsStorage(Lookup lookup) {
        if (!shared || lookup == null) {
            return false;
        }
        Held held = byHash.get(lookup.hash());
        return held == null || System.nanoTime() - held.readAt() > SHARED_RECHECK.toNanos();
    }

    /** The live session with this id (the cookie's value), or empty; may read storage ({@link #readsStorage}). */
    public Optional<Session> find(String id) {
        Lookup lookup = Lookup.of(id);
        return lookup == null ? Optional.empty() : session(lookup);
    }

    /** {@link #find(String)} of a session id whose hash is computed already. */
    public Optional<Session> session(Lookup lookup) {
        String id = lookup.id();
        String hash = lookup.hash();
        Held held = byHash.get(hash);
        long now = System.nanoTime();
        if (shared && (held == null || now - held.readAt() > SHARED_RECHECK.toNanos())) {
            held = storage.session(hash).map(row -> new Held(row, now)).orElse(null);
            if (held == null) {
                byHash.remove(hash);
            } else {
                if (byHash.size() >= MAX_HELD) {
                    byHash.values().removeIf(h -> now - h.readAt() > SHARED_RECHECK.toNanos());
                }
                byHash.put(hash, held);
            }
        }
        if (held == null) {
            return Optional.empty();
        }
        if (!held.row().expires().isAfter(clock.instant())) {
            byHash.remove(hash);
            return Optional.empty();
        }
        return Optional.of(session(id, held.row()));
    }

    /** Ends the session with this id, here and in storage; nothing when there is none. */
    public void close(String id) {
        String hash = Tokens.hash(id);
        synchronized (this) {
            storage.write(c -> c.deleteSession(hash));
            byHash.remove(hash);
        }
    }

    /** A new one-time code that opens a session for the token named {@code tokenName}, within {@link #CODE_TTL}. */
    public String loginCode(String tokenName) {
        String code = random();
        var row = new StoredLoginCode(Tokens.hash(code), tokenName, clock.instant().plus(CODE_TTL));
        storage.write(c -> c.insertLoginCode(row));
        return code;
    }

    /**
     * The token name a code was made for, once: the code is gone afterwards, here and on every
     * coordinator. Empty when unknown, used or expired. An unknown code is found so by a read: a
     * guess writes nothing.
     */
    public Optional<String> redeem(String code) {
        if (code == null || code.isEmpty()) {
            return Optional.empty();
        }
        String hash = Tokens.hash(code);
        Optional<StoredLoginCode> stored = storage.loginCode(hash);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        var taken = new AtomicBoolean();
        storage.write(c -> taken.set(c.takeLoginCode(hash)));
        Instant now = clock.instant();
        return stored.filter(c -> taken.get() && c.expires().isAfter(now)).map(StoredLoginCode::tokenName);
    }

    /** Holds exactly the live sessions of storage (a database this process alone writes). */
    private synchronized void readAll() {
        var rows = storage.sessions(clock.instant());
        long now = System.nanoTime();
        rows.forEach(row -> byHash.putIfAbsent(row.idHash(), new Held(row, now)));
        Set<String> live = rows.stream().map(StoredSession::idHash).collect(Collectors.toSet());
        byHash.keySet().retainAll(live);
    }

    private static Session session(String id, StoredSession row) {
        return new Session(id, row.tokenName(), row.csrf(), row.expires());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
