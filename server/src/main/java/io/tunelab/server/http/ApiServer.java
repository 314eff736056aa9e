package io.tunelab.server.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running Tunelab server: storage opened from the data directory, the coordinator loaded from
 * it, its lease reaper scheduled, and the HTTP API listening. {@link #close()} stops accepting
 * requests, then stops the reaper and closes the database.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Vertx vertx;
    private final HttpServer http;
    private final HttpApi api;
    private final Coordinator coordinator;
    private final ScheduledExecutorService reaper;
    private final Storage storage;
    private final long keepAliveTimer;

    private ApiServer(Vertx vertx, HttpServer http, HttpApi api, Coordinator coordinator, ScheduledExecutorService reaper,
                      Storage storage, long keepAliveTimer) {
        this.vertx = vertx;
        this.http = http;
        this.api = api;
        this.coordinator = coordinator;
        this.reaper = reaper;
        this.storage = storage;
        this.keepAliveTimer = keepAliveTimer;
    }

    /** Opens storage, loads the experiments and starts listening; returns once the port is bound. */
    public static ApiServer start(ServerConfig config) {
        Storage storage = JdbcStorage.open(config.database(), config.durability());
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var events = new EventStream();
        Coordinator coordinator;
        try {
            coordinator = Coordinator.open(storage, InstantSource.system(), events, config.coordinator(), metrics);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tunelab-lease-reaper").daemon(true).factory());
        long every = config.coordinator().reaperInterval().toMillis();
        reaper.scheduleWithFixedDelay(coordinator.leases()::reapQuietly, every, every, TimeUnit.MILLISECONDS);
        Vertx vertx = Vertx.vertx();
        var api = new HttpApi(coordinator, events, metrics);
        try {
            HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                            .setCompressionSupported(true).setTcpNoDelay(true))
                    .requestHandler(api.router(vertx))
                    .listen().toCompletionStage().toCompletableFuture().join();
            long timer = vertx.setPeriodic(15_000, id -> events.keepAlive());
            LOG.info("Tunelab listening on http://{}:{} with data in {}", config.host(), http.actualPort(), config.database().describe());
            return new ApiServer(vertx, http, api, coordinator, reaper, storage, timer);
        } catch (RuntimeException e) {
            vertx.close();
            reaper.shutdownNow();
            storage.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), cause);
        }
    }

    public int port() {
        return http.actualPort();
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    @Override
    public void close() {
        vertx.cancelTimer(keepAliveTimer);
        http.close().toCompletionStage().toCompletableFuture().join();
        api.close();
        reaper.shutdownNow();
        storage.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
