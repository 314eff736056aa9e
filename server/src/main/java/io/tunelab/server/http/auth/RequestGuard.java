package io.tunelab.server.http.auth;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks a request passes before any route sees it. {@link #site} runs for every request:
 * security headers on the response, a Host the server answers to (no DNS rebinding), an Origin
 * that is the server's own or allowed (no cross-site requests), and a body of a media type the
 * route reads (no form posts). {@link #authenticate} finds the caller from the bearer token or
 * the session cookie (then a non-GET must echo the session's anti-CSRF value); {@link #requires}
 * checks the caller's scope. A refused request fails its context with a {@link TunelabException},
 * which the router's failure handler answers as the one error body.
 */
public final class RequestGuard {
    private static final String PRINCIPAL = "tunelab.principal";
    private static final Set<String> JSON_OR_YAML = Set.of("application/json", "application/yaml");
    private static final Set<String> JSON = Set.of("application/json");
    /** The launch of an experiment from a sweep spec. */
    private static final Pattern EXPERIMENTS = Pattern.compile("/api/experiments/?");
    private static final Pattern MODEL_UPLOAD = Pattern.compile("/api/trials/[^/]+/(model|artifacts/[^/]+)");
    /** The import of trials from a CSV: its body is the CSV itself. */
    private static final Pattern TRIAL_IMPORT = Pattern.compile("/api/experiments/[^/]+/trials/import");
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    /**
     * Sessions read from a shared database at once, at most (each event loop checks before it
     * adds, so two loops may pass it by one each); a request that would need one more is refused 503.
     */
    static final int MAX_SESSION_READS = 64;
    /**
     * Threads reading sessions at once: storage reads through a pool of 4 connections, and a
     * database slow to answer them leaves the other reads at least 2.
     */
    private static final int SESSION_READERS = 2;

    private final Tokens tokens;
    private final Sessions sessions;
    private WorkerExecutor sessionReaders;
    /** The session reads under way, by the session id's hash. */
    private final Map<String, Future<Optional<Sessions.Session>>> reading = new ConcurrentHashMap<>();
    private final Set<String> hostNames;
    private final Set<String> allowedOrigins;
    /** Whether a request's body is read by a handler after this guard's, which resumes a paused request itself. */
    private final Predicate<RoutingContext> readsBody;

    /** Headers a request may carry once only: the ones its access is decided by. */
    private static final List<String> SINGLE_HEADERS = List.of("Host", "Origin", "Authorization", Sessions.CSRF_HEADER);

    /**
     * A guard for a server bound to {@code boundHost}; {@code readsBody} says whether a request's
     * body will be read after authentication (a body handler or an upload resumes the request).
     */
    public RequestGuard(Tokens tokens, Sessions sessions, AccessConfig access, String boundHost, Predicate<RoutingContext> readsBody) {
        this.readsBody = readsBody;
        this.tokens = tokens;
        this.sessions = sessions;
        this.hostNames = access.hostNames(boundHost);
        this.allowedOrigins = Set.copyOf(access.allowedOrigins());
    }

    /** Headers, Host and Origin: for every request, static files included. */
    public void site(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HEADERS.forEach(rc.response()::putHeader);
        // A request with two of these is refused: each check below reads the first, and whatever
        // acted on the second (a proxy, a cache) would see another request than the one checked.
        for (String name : SINGLE_HEADERS) {
            int count = request.headers().getAll(name).size();
            if (count > 1) {
                rc.fail(TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the request has " + count + " " + name
                        + " headers; send it once"));
                return;
            }
        }
        // HTTP/1.1's Host header or HTTP/2's :authority, as host[:port].
        HostAndPort authority = request.authority();
        String host = authority == null ? null : authority.toString();
        if (host == null || !hostNames.contains(AccessConfig.hostName(authority.host()))) {
            rc.fail(TunelabException.of(ErrorCode.FORBIDDEN, "Host \"" + host + "\" is not a name this server answers to ("
                    + String.join(", ", hostNames) + "); a server reached by another name needs it in --allowed-hosts"));
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !isOwnOrAllowed(origin, host)) {
            rc.fail(TunelabException.of(ErrorCode.FORBIDDEN, "requests from origin \"" + origin + "\" are refused: only pages "
                    + "of this server, or of an origin in --allowed-origins, may call it"));
            return;
        }
        rc.next();
    }

    /**
     * The body's Content-Type, checked before any body is read: a route reads only the media
     * types it names. The router runs it only for a request some route will take (a path no route
     * has is answered 404, a method its route does not take 405, whatever the body).
     */
    public void bodyType(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (hasBody(request)) {
            String type = mediaType(request.getHeader("Content-Type"));
            Set<String> accepted = acceptedMediaTypes(request);
            if (!accepted.contains(type)) {
                rc.fail(TunelabException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a " + request.method() + " " + request.path()
                        + " body must be " + String.join(" or ", accepted.stream().sorted().toList()) + ", not "
                        + (type.isEmpty() ? "a body without Content-Type" : type)));
                return;
            }
        }
        rc.next();
    }

    /**
     * Answers a request that names no host at all (HTTP/1.x without a Host header), which the
     * router would not route, with the same refusal as a wrong Host; true when it did.
     */
    public static boolean refusedWithoutHost(HttpServerRequest request) {
        if (request.authority() != null) {
            return false;
        }
        HEADERS.forEach(request.response()::putHeader);
        var e = TunelabException.of(ErrorCode.FORBIDDEN, "the request names no Host; send the Host header of the name "
                + "this server answers to");
        request.response().setStatusCode(e.code().status()).putHeader("Content-Type", "application/json")
                .end(io.tunelab.api.Json.write(io.tunelab.api.ErrorBody.of(e)));
        return true;
    }

    /**
     * What answers a request that HTTP's decoder could not read (the server's invalid-request
     * handler), as every other refusal is answered: a JSON error with the security headers, then the
     * connection closed, since the decoder reads nothing more on it. A request line longer than
     * {@code maxLine} bytes is 414, headers larger than {@code maxHeaders} bytes 431, anything else
     * (a negative or repeated Content-Length, a broken chunk) 400; Vert.x's own answer had no body.
     */
    public static Handler<HttpServerRequest> invalidRequest(int maxLine, int maxHeaders) {
        return request -> {
            Throwable cause = request.decoderResult().cause();
            int status;
            String message;
            if (cause instanceof TooLongHttpLineException) {
                status = 414;
                message = "the request line (method, path and query) is longer than the " + maxLine + " bytes this server "
                        + "reads; send a shorter path or query";
            } else if (cause instanceof TooLongHttpHeaderException) {
                status = 431;
                message = "the request's headers are larger than the " + maxHeaders + " bytes this server reads; send "
                        + "fewer or shorter headers";
            } else {
                status = 400;
                message = "the request is not HTTP/1.1 this server can read"
                        + (cause == null || cause.getMessage() == null ? "" : ": " + io.tunelab.api.VisibleText.of(cause.getMessage()));
            }
            var e = TunelabException.of(ErrorCode.INVALID_ARGUMENT, message);
            HEADERS.forEach(request.response()::putHeader);
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                    .end(io.tunelab.api.Json.write(io.tunelab.api.ErrorBody.of(e)))
                    .onComplete(done -> request.connection().close());
        };
    }

    /** Finds the caller: a bearer token, or a session cookie (with the anti-CSRF header on a non-GET). */
    public void authenticate(RoutingContext rc) {
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null) {
            String secret = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7) : null;
            Optional<Principal> principal = tokens.authenticate(secret);
            if (principal.isEmpty()) {
                rc.fail(TunelabException.of(ErrorCode.UNAUTHENTICATED, "the Authorization header carries no valid token "
                        + "(unknown, revoked, or not as \"Bearer tl_…\"); ask an admin for one: tunelab token create"));
                return;
            }
            rc.put(PRINCIPAL, principal.get());
            rc.next();
            return;
        }
        Cookie cookie = rc.request().getCookie(Sessions.COOKIE);
        Sessions.Lookup lookup = cookie == null ? null : Sessions.Lookup.of(cookie.getValue());
        if (lookup != null && sessions.readsStorage(lookup)) {
            // A session another coordinator may have opened or ended is read from the shared
            // database off the event loop, the request paused meanwhile: a flood of unknown
            // cookies then waits for the database without stalling every other request. Requests
            // of one session share its read; beyond MAX_SESSION_READS sessions at once a request
            // is refused rather than queued.
            Future<Optional<Sessions.Session>> read = reading(rc, lookup);
            if (read == null) {
                rc.response().putHeader("Retry-After", "1");
                rc.fail(TunelabException.of(ErrorCode.UNAVAILABLE, "this server is reading " + MAX_SESSION_READS + " browser "
                        + "sessions from its database already; retry in a moment, or send a token (\"Authorization: Bearer "
                        + "<token>\"), which needs no such read"));
                return;
            }
            HttpServerRequest request = rc.request();
            request.pause();
            Context own = rc.vertx().getOrCreateContext();
            read.onComplete(found -> own.runOnContext(v -> {
                if (found.failed()) {
                    request.resume();
                    rc.fail(found.cause());
                } else {
                    bySession(rc, cookie, found.result(), true);
                }
            }));
            return;
        }
        bySession(rc, cookie, lookup == null ? Optional.empty() : sessions.session(lookup), false);
    }

    /**
     * The read of {@code lookup}'s session from storage, on a worker thread: the one already under
     * way for another request of that session, or a new one; null when {@link #MAX_SESSION_READS}
     * are under way.
     */
    private Future<Optional<Sessions.Session>> reading(RoutingContext rc, Sessions.Lookup lookup) {
        Future<Optional<Sessions.Session>> read = reading.get(lookup.hash());
        if (read != null) {
            return read;
        }
        if (reading.size() >= MAX_SESSION_READS) {
            return null;
        }
        Promise<Optional<Sessions.Session>> promise = Promise.promise();
        read = reading.putIfAbsent(lookup.hash(), promise.future());
        if (read != null) {
            return read;
        }
        sessionReaders(rc.vertx()).executeBlocking(() -> sessions.session(lookup), false).onComplete(found -> {
            // Gone before it completes: a request after this one finds the session held, or reads again.
            reading.remove(lookup.hash());
            promise.handle(found);
        });
        return promise.future();
    }

    /** The threads sessions are read on, created with the first read. */
    private synchronized WorkerExecutor sessionReaders(Vertx vertx) {
        if (sessionReaders == null) {
            sessionReaders = vertx.createSharedWorkerExecutor("tunelab-session-reads", SESSION_READERS);
        }
        return sessionReaders;
    }

    /** How many sessions are being read from a shared database now (a gauge of {@code GET /metrics}). */
    public int sessionReads() {
        return reading.size();
    }

    /**
     * The rest of {@link #authenticate} for a request without a token: its session, if any, names
     * the caller. A request {@code paused} for the session's read is resumed here unless a body
     * handler or an upload after this guard reads its body (each resumes it).
     */
    private void bySession(RoutingContext rc, Cookie cookie, Optional<Sessions.Session> session, boolean paused) {
        Optional<Principal> principal = session.flatMap(s -> tokens.active(s.tokenName()));
        TunelabException refused = refusal(rc, cookie, session, principal);
        if (paused && (refused != null || !readsBody.test(rc))) {
            rc.request().resume();
        }
        if (refused != null) {
            rc.fail(refused);
            return;
        }
        rc.put(PRINCIPAL, principal.get());
        rc.put(Sessions.COOKIE, session.get());
        rc.next();
    }

    /**
     * Why a request without a token is refused with {@code session}, the one its cookie names if
     * any, and {@code principal}, that session's live token; null when it is let on.
     */
    private static TunelabException refusal(RoutingContext rc, Cookie cookie, Optional<Sessions.Session> session,
                                            Optional<Principal> principal) {
        if (principal.isEmpty()) {
            return TunelabException.of(ErrorCode.UNAUTHENTICATED, "this request needs a token: send \"Authorization: Bearer "
                    + "<token>\" (the CLI reads --token-file or TUNELAB_TOKEN), or log in to the web UI"
                    + (cookie != null ? "; the session ended (it expired, it was logged out, or its token was revoked)" : ""));
        }
        HttpMethod method = rc.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD
                && !session.get().csrf().equals(rc.request().getHeader(Sessions.CSRF_HEADER))) {
            return TunelabException.of(ErrorCode.FORBIDDEN, "a " + method + " with a session cookie must carry the header "
                    + Sessions.CSRF_HEADER + " with the value POST /api/session answered");
        }
        return null;
    }

    /** A handler that lets the request on only when its caller holds one of {@code anyOf} (admin holds all). */
    public static Handler<RoutingContext> requires(Scope... anyOf) {
        String names = Arrays.stream(anyOf).map(Scope::wireName).collect(Collectors.joining(" or "));
        return rc -> {
            Principal p = principal(rc);
            if (p.allows(anyOf)) {
                rc.next();
            } else {
                rc.fail(TunelabException.of(ErrorCode.FORBIDDEN, "token \"" + p.name() + "\" has scope "
                        + String.join(", ", p.scopeNames()) + "; " + rc.request().method() + " " + rc.request().path()
                        + " needs " + names, Map.of("needs", names)));
            }
        };
    }

    /** The caller {@link #authenticate} found. */
    public static Principal principal(RoutingContext rc) {
        Principal p = rc.get(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal: the route runs without authenticate");
        }
        return p;
    }

    /** The session the request came with, when it came with a cookie rather than a bearer token. */
    static Optional<Sessions.Session> session(RoutingContext rc) {
        return Optional.ofNullable(rc.get(Sessions.COOKIE));
    }

    private boolean isOwnOrAllowed(String origin, String host) {
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(normalized)) {
            return true;
        }
        try {
            URI uri = URI.create(normalized);
            return uri.getScheme() != null && uri.getRawAuthority() != null && uri.getRawAuthority().equals(host.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
            return false;
        }
        String length = request.getHeader("Content-Length");
        return request.getHeader("Content-Type") != null || request.getHeader("Transfer-Encoding") != null
                || (length != null && !length.trim().equals("0"));
    }

    private static Set<String> acceptedMediaTypes(HttpServerRequest request) {
        if (request.method() == HttpMethod.POST && TRIAL_IMPORT.matcher(request.path()).matches()) {
            return Set.of("text/csv");
        }
        if (request.method() == HttpMethod.PUT && MODEL_UPLOAD.matcher(request.path()).matches()) {
            return Set.of("application/octet-stream");
        }
        // A sweep spec is the one body written by hand, in YAML as often as in JSON; every other
        // route reads JSON, so YAML sent to one would be answered with a JSON parser's complaint.
        return request.method() == HttpMethod.POST && EXPERIMENTS.matcher(request.path()).matches() ? JSON_OR_YAML : JSON;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
