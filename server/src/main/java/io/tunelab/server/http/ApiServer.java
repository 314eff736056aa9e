package io.tunelab.server.http;

import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.experiment.RequestRetention;
import io.tunelab.server.http.auth.AuthRoutes;
import io.tunelab.server.http.auth.RequestGuard;
import io.tunelab.server.http.auth.Sessions;
import io.tunelab.server.http.auth.Tokens;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A running Tunelab server: storage opened from the data directory, the coordinator loaded from
 * it, its lease reaper and the pruning of old answers to request ids ({@link RequestRetention}) scheduled, and the HTTP API listening (HTTPS with the config's PEM pair)
 * on one event loop per processor.
 * On its first start it creates the {@code admin} token and writes its secret to
 * {@value #ADMIN_TOKEN_FILE} in the data directory, readable by the owner only.
 * {@link #close()} stops accepting requests, then stops the reaper and closes the database.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** The file in the data directory that holds the admin token's secret. */
    public static final String ADMIN_TOKEN_FILE = "admin.token";
    /**
     * How many servers listen on the port, each on its own event loop: one per processor but one,
     * which the embedded database's storage writer keeps busy (it commits every write of the
     * process), and at least one. On 2 processors that is one event loop: in four alternated pairs against one per
     * processor (experiments/PERFORMANCE.md, 2026-12-07 14:02) it ran more round trips per second
     * in 4 of 4 with each protocol (the tell with next 1.04–1.33 ×, median 1.23 ×; classic
     * 1.11–1.33 ×) at less server CPU per trial (78–103 µs against 94–122 for the tell with next),
     * the HTTP floor alone 0.78–1.15 × (median 0.93). Larger machines are not measured here, nor a
     * server on PostgreSQL, which has no storage writer and keeps the same count.
     */
    private static final int LISTENERS = listeners(Runtime.getRuntime().availableProcessors());
    /** The deflate level of compressed replies: the fastest (see where the options are made). */
    private static final int COMPRESSION_LEVEL = 1;

    private final Vertx vertx;
    private final List<HttpServer> http;
    private final HttpApi api;
    private final Coordinator coordinator;
    private final ScheduledExecutorService reaper;
    private final Storage storage;
    private final long keepAliveTimer;
    private final Access access;
    private final ServerMeters meters;
    private final Router router;

    /** Who may call this server: its tokens, its sessions, the admin secret a first start made, its origin. */
    private record Access(Tokens tokens, Sessions sessions, String newAdminToken, String origin) {
    }

    private ApiServer(Vertx vertx, List<HttpServer> http, HttpApi api, Coordinator coordinator, ScheduledExecutorService reaper,
                      Storage storage, long keepAliveTimer, Access access, ServerMeters meters, Router router) {
        this.meters = meters;
        this.router = router;
        this.vertx = vertx;
        this.http = http;
        this.api = api;
        this.coordinator = coordinator;
        this.reaper = reaper;
        this.storage = storage;
        this.keepAliveTimer = keepAliveTimer;
        this.access = access;
    }

    /** Opens storage, loads the experiments and starts listening; returns once the port is bound. */
    public static ApiServer start(ServerConfig config) {
        Storage storage = JdbcStorage.open(config.database(), config.durability());
        var meters = new ServerMeters();
        var metrics = meters.registry();
        var events = new EventStream(config.limits());
        Coordinator coordinator;
        Tokens tokens;
        String newAdminToken;
        try {
            coordinator = Coordinator.open(storage, InstantSource.system(), events, config.coordinator(), metrics);
            tokens = new Tokens(storage, InstantSource.system());
            newAdminToken = tokens.createAdminOnFirstStart().orElse(null);
            if (newAdminToken != null) {
                writeOwnerOnly(config.dataDir().resolve(ADMIN_TOKEN_FILE), newAdminToken);
            }
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        // Two threads: a long pass over old request answers never delays the lease reaper.
        ScheduledExecutorService reaper = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("tunelab-reaper-", 0).daemon(true).factory());
        long every = config.coordinator().reaperInterval().toMillis();
        reaper.scheduleWithFixedDelay(coordinator.leases()::reapQuietly, every, every, TimeUnit.MILLISECONDS);
        var retention = new RequestRetention(storage, InstantSource.system(), config.coordinator().requestRetention(), metrics);
        reaper.scheduleWithFixedDelay(retention::pruneQuietly, 0, RequestRetention.EVERY.toSeconds(), TimeUnit.SECONDS);
        if (storage.shared().isPresent()) {
            // Tokens another coordinator revoked stop working here within seconds.
            reaper.scheduleWithFixedDelay(() -> {
                try {
                    tokens.reload();
                } catch (RuntimeException e) {
                    LOG.warn("reading the tokens again failed: {}", e.getMessage());
                }
            }, 5, 5, TimeUnit.SECONDS);
        }
        Vertx vertx = meters.vertx(FileCacheFolder.ofThisProcess().options());
        var sessions = new Sessions(storage, InstantSource.system());
        var guard = new RequestGuard(tokens, sessions, config.access(), config.host(), HttpApi::readsBody);
        metrics.gauge("tunelab.sessions.reading", guard, RequestGuard::sessionReads);
        var api = new HttpApi(coordinator, events, metrics, guard, new AuthRoutes(tokens, sessions, config.access().tls()),
                config.limits());
        try {
            // HTTP/1.1 only: an "Upgrade: h2c" request is answered in HTTP/1.1. Over cleartext HTTP/2 a
            // HEAD was answered with the GET's body, and no Tunelab client speaks HTTP/2.
            // Compression at level 1, not the default 6: a 10,000-trial history (480 KB of JSON) comes
            // out no larger (131 KB against 135 KB) and its warm reply took 26–27 ms against 31–43 ms
            // (three alternated pairs); a page of 1,000 trials is a fifth larger (67 KB against 56 KB)
            // and no slower to answer. Browsers ask for it on every reply.
            var options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                    .setCompressionSupported(true).setCompressionLevel(COMPRESSION_LEVEL).setTcpNoDelay(true)
                    .setHttp2ClearTextEnabled(false);
            if (config.access().tls()) {
                options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(config.access().tlsCert().toString()).setKeyPath(config.access().tlsKey().toString()));
            }
            var router = api.router(vertx);
            List<HttpServer> http = listen(vertx, options, router, LISTENERS);
            // Off the request path: the first reader of a large experiment finds its page built and the code warm.
            Thread.ofPlatform().name("tunelab-prepare").daemon(true).priority(Thread.MIN_PRIORITY).start(() -> {
                try {
                    coordinator.queries().prepare();
                } catch (RuntimeException e) {
                    LOG.warn("could not prepare the experiments' first pages: {}", e.toString());
                }
            });
            long timer = events.start(vertx);
            String origin = (config.access().tls() ? "https://" : "http://") + config.host() + ":" + http.getFirst().actualPort();
            LOG.info("Tunelab listening on {} with data in {}", origin, config.database().describe());
            return new ApiServer(vertx, http, api, coordinator, reaper, storage, timer,
                    new Access(tokens, sessions, newAdminToken, origin), meters, router);
        } catch (RuntimeException e) {
            vertx.close();
            reaper.shutdownNow();
            storage.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), cause);
        }
    }

    /** {@link #LISTENERS} on a machine of {@code processors}. */
    static int listeners(int processors) {
        return Math.max(1, processors - 1);
    }

    /**
     * Listens with {@code count} servers on one port, each on its own event loop: Vert.x hands each
     * new connection to the next of them, so requests are read, routed and answered on as many
     * threads (a single server ran every request of the process on one event loop). With port 0
     * they share one free port: a negative port is Vert.x's key for "the same random port".
     */
    private static List<HttpServer> listen(Vertx vertx, HttpServerOptions options, Router router, int count) {
        if (count > 1 && options.getPort() == 0) {
            options.setPort(-1);
        }
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        Supplier<Deployable> listener = () -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(options).requestHandler(request -> {
                    if (!RequestGuard.refusedWithoutHost(request)) {
                        router.handle(request);
                    }
                }).invalidRequestHandler(RequestGuard.invalidRequest(options.getMaxInitialLineLength(), options.getMaxHeaderSize()))
                        .listen().onSuccess(servers::add);
            }
        };
        vertx.deployVerticle(listener, new DeploymentOptions().setInstances(count))
                .toCompletionStage().toCompletableFuture().join();
        return List.copyOf(servers);
    }

    /**
     * Every route the server answers, as {@code METHOD /path/:param}, HEAD (which every GET route
     * takes) not apart; what the OpenAPI test compares with the document.
     */
    List<String> routes() {
        return router.getRoutes().stream().filter(r -> r.getPath() != null && r.methods() != null)
                .flatMap(r -> r.methods().stream().filter(m -> m != HttpMethod.HEAD).map(m -> m.name() + " " + r.getPath()))
                .distinct().sorted().toList();
    }

    /** What each route accepts as its query, by {@code METHOD /path/{param}}; what the OpenAPI test compares with the document. */
    Map<String, QueryParams.Accepted> queryParams() {
        return QueryParams.declared(router);
    }

    public int port() {
        return http.getFirst().actualPort();
    }

    /** Where the server listens, as {@code http://127.0.0.1:8080} ({@code https://} with TLS). */
    public String origin() {
        return access.origin();
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    /** The admin token's secret when this start created it (the first start), to print once; else empty. */
    public Optional<String> newAdminToken() {
        return Optional.ofNullable(access.newAdminToken());
    }

    /** The server's tokens, for in-process callers such as the demo, which makes its own. */
    public Tokens tokens() {
        return access.tokens();
    }

    /** A one-time link that logs a browser in as the admin token ({@code …/login#code=…}); empty once it is revoked. */
    public Optional<String> loginLink() {
        return access.tokens().active(Tokens.ADMIN)
                .map(p -> access.origin() + "/login#code=" + access.sessions().loginCode(p.name()));
    }

    /** Writes an admin token's secret to a file only its owner may read (mode 600), replacing what was there. */
    public static void writeOwnerOnly(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, secret + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(keepAliveTimer);
        http.forEach(server -> server.close().toCompletionStage().toCompletableFuture().join());
        api.close();
        reaper.shutdownNow();
        try {
            coordinator.queries().storeSummaries();
        } catch (RuntimeException e) {
            LOG.warn("could not store the catalog's summaries (the next start makes them again): {}", e.toString());
        }
        storage.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        meters.close();
    }
}
