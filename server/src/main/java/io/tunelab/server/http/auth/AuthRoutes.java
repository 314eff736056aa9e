package io.tunelab.server.http.auth;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.TokenRequest;
import io.tunelab.api.TunelabException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * The routes of sessions and tokens. {@code POST /api/session} exchanges a token (or a one-time
 * login code) for an HttpOnly, SameSite=Strict session cookie and answers the anti-CSRF value;
 * {@code GET /api/session} says who the caller is; {@code DELETE /api/session} logs out.
 * {@code /api/tokens} lists, creates and revokes tokens, for {@code admin} only.
 */
public final class AuthRoutes {
    private final Tokens tokens;
    private final Sessions sessions;
    private final boolean secureCookie;

    public AuthRoutes(Tokens tokens, Sessions sessions, boolean secureCookie) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.secureCookie = secureCookie;
    }

    private record LoginRequest(String token, String code) {
    }

    /** {@code POST /api/session}, which needs no authentication: it checks the token or code of its body itself. */
    public void login(RoutingContext rc) {
        String body = rc.body().asString();
        blocking(rc, () -> {
            LoginRequest request = Json.read(body == null || body.isBlank() ? "{}" : body, LoginRequest.class);
            if (request.code() == null && request.token() == null) {
                throw TunelabException.of(ErrorCode.UNAUTHENTICATED, "the body gives neither a token nor a login code; send "
                        + "{\"token\": \"tl_…\"} or the code of a one-time login link as {\"code\": \"…\"}");
            }
            Optional<Principal> principal = request.code() != null
                    ? sessions.redeem(request.code()).flatMap(tokens::active)
                    : tokens.authenticate(request.token());
            if (principal.isEmpty()) {
                throw TunelabException.of(ErrorCode.UNAUTHENTICATED, request.code() != null
                        ? "this login code is unknown, used or expired; log in with a token instead"
                        : "this token is unknown or revoked; give a token as {\"token\": \"tl_…\"}");
            }
            return Map.entry(principal.get(), sessions.open(principal.get().name()));
        }, (r, opened) -> {
            Principal principal = opened.getKey();
            Sessions.Session session = opened.getValue();
            r.response().addCookie(Cookie.cookie(Sessions.COOKIE, session.id()).setHttpOnly(true).setPath("/")
                    .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie).setMaxAge(Sessions.SESSION_TTL.toSeconds()));
            send(r, 200, who(principal, session.csrf()));
        });
    }

    /**
     * Registers the routes that need an authenticated caller; {@code login} is registered by the
     * caller, before authentication. None takes a query parameter: {@code takesNoQuery} declares
     * that on each route (and refuses any query sent to it); the two deletes (a logout, a revoke)
     * take no body fields either: {@code takesNoFields} refuses any before they act.
     */
    public void register(Router router, UnaryOperator<Route> takesNoQuery, Handler<RoutingContext> takesNoFields) {
        takesNoQuery.apply(router.get("/api/session")).handler(this::whoAmI);
        takesNoQuery.apply(router.delete("/api/session")).handler(takesNoFields).handler(this::logout);
        takesNoQuery.apply(router.get("/api/tokens")).handler(RequestGuard.requires(Scope.ADMIN)).handler(this::list);
        takesNoQuery.apply(router.post("/api/tokens")).handler(RequestGuard.requires(Scope.ADMIN)).handler(this::create);
        takesNoQuery.apply(router.delete("/api/tokens/:name")).handler(RequestGuard.requires(Scope.ADMIN)).handler(takesNoFields)
                .handler(this::revoke);
    }

    private void whoAmI(RoutingContext rc) {
        send(rc, 200, who(RequestGuard.principal(rc), RequestGuard.session(rc).map(Sessions.Session::csrf).orElse(null)));
    }

    private void logout(RoutingContext rc) {
        Optional<Sessions.Session> session = RequestGuard.session(rc);
        blocking(rc, () -> {
            session.ifPresent(s -> sessions.close(s.id()));
            return true;
        }, (r, closed) -> {
            r.response().addCookie(Cookie.cookie(Sessions.COOKIE, "").setPath("/").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
            send(r, 200, Map.of("loggedOut", true));
        });
    }

    private void list(RoutingContext rc) {
        blocking(rc, tokens::list, (r, list) -> send(r, 200, list));
    }

    private void create(RoutingContext rc) {
        String body = rc.body().asString();
        blocking(rc, () -> {
            TokenRequest request = Json.read(body, TokenRequest.class);
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            request.scopes().forEach(s -> scopes.add(Scope.parse(s)));
            return tokens.create(request.name(), scopes);
        }, (r, token) -> send(r, 201, token));
    }

    private void revoke(RoutingContext rc) {
        String name = rc.pathParam("name");
        blocking(rc, () -> tokens.revoke(name), (r, token) -> send(r, 200, token));
    }

    private static Map<String, Object> who(Principal principal, String csrf) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", principal.name());
        out.put("scopes", principal.scopeNames());
        if (csrf != null) {
            out.put("csrf", csrf);
        }
        return out;
    }

    /** Token and session writes wait for storage: off the event loop, then back to it to answer. */
    private static <T> void blocking(RoutingContext rc, Callable<T> work, java.util.function.BiConsumer<RoutingContext, T> reply) {
        rc.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                reply.accept(rc, ar.result());
            } else {
                rc.fail(ar.cause());
            }
        });
    }

    private static void send(RoutingContext rc, int status, Object body) {
        Buffer json = Buffer.buffer(Json.writeBytes(body));
        if (rc.request().method() == HttpMethod.HEAD) {
            // The GET's length, which Vert.x leaves out of a HEAD's answer (this package does not use the
            // API's io.tunelab.server.http.KnownLength, which depends on it).
            rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(json.length()));
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
}
