package io.tunelab.server.http.auth;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Token;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Sha256;
import io.tunelab.server.storage.Storage;
import io.tunelab.server.storage.StoredToken;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The bearer tokens: created with a random secret ({@code tl_} and 32 random bytes, base64url)
 * of which only the SHA-256 is stored, listed, revoked, and checked on every request. Tokens are
 * kept in memory by hash, loaded from storage at start and updated on each write (which goes
 * through {@link Storage#write} first, so a failed write changes nothing). Every request's
 * secret is hashed and looked up by its hash (about 0.2 µs: the digest is cloned from a prototype
 * rather than looked up among the JVM's providers), so no secret is ever held in memory and a
 * revocation counts at once here, and on another coordinator at its next {@link #reload}.
 * Thread-safe.
 */
public final class Tokens {
    /** The name of the token a server creates on its first start. */
    public static final String ADMIN = "admin";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Storage storage;
    private final InstantSource clock;
    private final Map<String, StoredToken> byHash = new ConcurrentHashMap<>();
    private final Map<String, StoredToken> byName = new ConcurrentHashMap<>();
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    /** When the tokens were last read from a database other coordinators share (nanoTime), to read at most once a second. */
    private volatile long readAt = System.nanoTime();

    public Tokens(Storage storage, InstantSource clock) {
        this.storage = storage;
        this.clock = clock;
        storage.tokens().forEach(this::remember);
    }

    /**
     * Creates the {@value #ADMIN} token when there is no token at all (a first start); answers its
     * secret then. Coordinators that start at once on an empty shared database all try, and the
     * database decides: the token's name is unique there, so one insert commits and the others are
     * refused; those read the tokens again, find the admin token and answer empty.
     */
    public synchronized Optional<String> createAdminOnFirstStart() {
        if (!byName.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(create(ADMIN, Set.of(Scope.ADMIN)).secret());
        } catch (RuntimeException e) {
            if (storage.shared().isEmpty()) {
                throw e;
            }
            storage.tokens().forEach(this::remember);
            if (!byName.containsKey(ADMIN)) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Creates a token; its name must be new (revoked names stay taken). Answers it with its secret. */
    public synchronized Token create(String name, Set<Scope> scopes) {
        if (name == null || !NAME.matcher(name).matches()) {
            String given = name == null ? "a token needs a name" : name.length() > 64 ? "a token name of " + name.length()
                    + " characters is not valid" : "token name \"" + name + "\" is not valid";
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, given + "; use 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, as gpu-box-1");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "token \"" + name + "\" needs at least one scope: read, write, worker or admin");
        }
        if (byName.containsKey(name)) {
            throw TunelabException.of(ErrorCode.DUPLICATE_NAME, "a token named \"" + name + "\" exists already"
                    + (byName.get(name).isRevoked() ? " (revoked; names are never reused)" : "") + "; choose another name");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "tl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        var principal = new Principal(name, scopes);
        var row = new StoredToken(name, principal.scopeNames(), hash(secret), clock.instant(), null);
        storage.write(c -> c.insertToken(row));
        remember(row);
        return new Token(name, row.scopes(), row.created(), null, secret);
    }

    /**
     * Revokes the named token at once; revoking a revoked token changes nothing. The last live
     * admin token is not revoked: no one could then create or revoke a token again. The check
     * reads the live tokens in the revoking write itself, their rows locked, so two coordinators
     * on one database revoking the last two admin tokens at the same moment cannot both pass it.
     */
    public synchronized Token revoke(String name) {
        reload(); // another coordinator's revocation is answered as this one's
        StoredToken row = byName.get(name);
        if (row == null) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no token named \"" + name + "\"; see tunelab token list");
        }
        if (!row.isRevoked()) {
            var revoked = new StoredToken(row.name(), row.scopes(), row.hash(), row.created(), clock.instant());
            storage.write(c -> {
                if (isAdmin(revoked) && c.lockLiveTokens().stream().noneMatch(t -> !t.name().equals(name) && isAdmin(t))) {
                    throw TunelabException.of(ErrorCode.INVALID_STATE, "token \"" + name + "\" is the last admin token: without it "
                            + "no one could create or revoke a token again; create another first (tunelab token create --scope "
                            + "admin --name NAME), then revoke this one");
                }
                c.revokeToken(revoked);
            });
            remember(revoked);
            row = revoked;
        }
        return view(row);
    }

    private static boolean isAdmin(StoredToken token) {
        return token.scopes().contains(Scope.ADMIN.wireName());
    }

    /** Every token, revoked ones included, oldest first; never a secret. */
    public List<Token> list() {
        return storage.tokens().stream().map(Tokens::view).toList();
    }

    /** The principal of a live token with this secret, or empty for an unknown or revoked one. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        String hash = hash(secret.trim());
        if (!byHash.containsKey(hash) && storage.shared().isPresent() && System.nanoTime() - readAt > 1_000_000_000L) {
            reload(); // created by another coordinator, perhaps
        }
        return Optional.ofNullable(byHash.get(hash)).filter(t -> !t.isRevoked()).map(this::principal);
    }

    /**
     * Reads the tokens again from a database that other coordinators share, so that tokens they
     * created or revoked count here too; the server calls this every few seconds. Does nothing on
     * a database this process alone writes.
     */
    public void reload() {
        if (storage.shared().isPresent()) {
            readAt = System.nanoTime();
            storage.tokens().forEach(this::remember);
        }
    }

    /** The principal of the named token while it is live, so sessions end when their token is revoked. */
    public Optional<Principal> active(String name) {
        return Optional.ofNullable(byName.get(name)).filter(t -> !t.isRevoked()).map(this::principal);
    }

    private void remember(StoredToken row) {
        byHash.put(row.hash(), row);
        byName.put(row.name(), row);
        principals.remove(row.name());
    }

    /** The principal of a token row, built once per row (its scopes never change). */
    private Principal principal(StoredToken row) {
        return principals.computeIfAbsent(row.name(), n -> {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            row.scopes().forEach(s -> scopes.add(Scope.parse(s)));
            return new Principal(row.name(), scopes);
        });
    }

    private static Token view(StoredToken row) {
        return new Token(row.name(), row.scopes(), row.created(), row.revoked(), null);
    }

    static String hash(String secret) {
        return HexFormat.of().formatHex(Sha256.of(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
