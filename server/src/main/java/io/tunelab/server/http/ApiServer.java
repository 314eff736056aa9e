package io.tunelab.server.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.ExperimentService;
import io.tunelab.server.storage.JdbcStorage;
import io.tunelab.server.storage.Storage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;

/**
 * A running Tunelab server: storage opened from the data directory, the coordinator loaded from
 * it, and the HTTP API listening. {@link #close()} stops accepting requests, then closes the
 * coordinator and the database.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Vertx vertx;
    private final HttpServer http;
    private final HttpApi api;
    private final ExperimentService service;
    private final Storage storage;
    private final long keepAliveTimer;

    private ApiServer(Vertx vertx, HttpServer http, HttpApi api, ExperimentService service, Storage storage, long keepAliveTimer) {
        this.vertx = vertx;
        this.http = http;
        this.api = api;
        this.service = service;
        this.storage = storage;
        this.keepAliveTimer = keepAliveTimer;
    }

    /** Opens storage, loads the experiments and starts listening; returns once the port is bound. */
    public static ApiServer start(ServerConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        Storage storage = JdbcStorage.openDataDirectory(config.dataDir(), config.durability());
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var events = new EventStream();
        var service = new ExperimentService(storage, InstantSource.system(), events, config.coordinator(), metrics);
        Vertx vertx = Vertx.vertx();
        var api = new HttpApi(service, events, metrics);
        try {
            HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                            .setCompressionSupported(true).setTcpNoDelay(true))
                    .requestHandler(api.router(vertx))
                    .listen().toCompletionStage().toCompletableFuture().join();
            long timer = vertx.setPeriodic(15_000, id -> events.keepAlive());
            LOG.info("Tunelab listening on http://{}:{} with data in {}", config.host(), http.actualPort(), config.dataDir().toAbsolutePath());
            return new ApiServer(vertx, http, api, service, storage, timer);
        } catch (RuntimeException e) {
            vertx.close();
            service.close();
            storage.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), cause);
        }
    }

    public int port() {
        return http.actualPort();
    }

    public ExperimentService service() {
        return service;
    }

    @Override
    public void close() {
        vertx.cancelTimer(keepAliveTimer);
        http.close().toCompletionStage().toCompletableFuture().join();
        api.close();
        service.close();
        storage.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
