package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.ReportReply;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.SuggestRequest;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.ExperimentService;
import io.tunelab.server.experiment.LeaseService;
import io.tunelab.server.experiment.LogText;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WORKER;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * The routes of one trial and of leases: read a trial, report, tell, suggest, heartbeat, release,
 * upload and download its model, and lease the next one. Each handler parses its request, runs
 * the domain call through {@link Blocking} and answers with JSON.
 */
final class TrialRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRoutes.class);

    private final ExperimentService experiments;
    private final LeaseService leases;
    private final ExperimentQueries queries;
    private final Blocking blocking;
    private final long maxModelBytes;

    TrialRoutes(Coordinator coordinator, Blocking blocking, long maxModelBytes) {
        this.experiments = coordinator.experiments();
        this.leases = coordinator.leases();
        this.queries = coordinator.queries();
        this.blocking = blocking;
        this.maxModelBytes = maxModelBytes;
    }

    /**
     * The model upload, registered before the API's JSON body handler: it reads the body itself,
     * streaming it to a temporary file (never whole into memory), and answers, so no body handler
     * sees the request. A body without a Content-Length, or longer than the model cap, is refused
     * before any of it is read.
     */
    void registerModelUpload(Router router) {
        router.put("/api/trials/:id/model").handler(requires(WORKER)).handler(this::putModel);
    }

    void register(Router router) {
        router.get("/api/trials/:id").handler(requires(READ)).handler(this::trial);
        router.post("/api/trials/:id/reports").handler(requires(WRITE, WORKER)).handler(this::report);
        router.post("/api/trials/:id/result").handler(requires(WRITE, WORKER)).handler(this::result);
        router.post("/api/trials/:id/suggest").handler(requires(WRITE)).handler(this::suggest);
        router.post("/api/trials/:id/heartbeat").handler(requires(WRITE, WORKER)).handler(this::heartbeat);
        router.post("/api/trials/:id/release").handler(requires(WRITE, WORKER)).handler(this::release);
        router.get("/api/trials/:id/model").handler(requires(READ)).handler(this::model);
        router.post("/api/leases").handler(requires(WORKER)).handler(this::lease);
    }

    private void trial(RoutingContext rc) {
        blocking.run(rc, 200, () -> queries.trial(trialId(rc)));
    }

    private void report(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> new ReportReply(experiments.report(trialId(rc), Json.read(body, ReportRequest.class))));
    }

    private void result(RoutingContext rc) {
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        String requestId = rc.request().getHeader(HttpApi.REQUEST_ID);
        blocking.run(rc, 200, () -> experiments.tell(trialId(rc), Json.read(body, TrialResult.class), by, requestId));
    }

    private void suggest(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            SuggestRequest request = Json.read(body, SuggestRequest.class);
            return Map.of("value", experiments.suggest(trialId(rc), request.name(), request.param()));
        });
    }

    private record HeartbeatRequest(String leaseId) {
    }

    private void heartbeat(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> leases.heartbeat(trialId(rc), Json.read(body, HeartbeatRequest.class).leaseId()));
    }

    private void release(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> leases.release(trialId(rc), Json.read(body, HeartbeatRequest.class).leaseId()));
    }

    private void putModel(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause();
        String leaseId = request.getParam("leaseId");
        long length = contentLength(request);
        if (length < 0) {
            refuse(rc, TunelabException.of(ErrorCode.INVALID_ARGUMENT, "a model upload needs a Content-Length header: send the "
                    + "model file's bytes as one body"));
            return;
        }
        if (length > maxModelBytes) {
            refuse(rc, TunelabException.of(ErrorCode.BODY_TOO_LARGE, "the model is larger than this server accepts (--max-model-mb "
                    + Math.max(1, maxModelBytes / (1024 * 1024)) + "); export a smaller model or start the server with a higher "
                    + "--max-model-mb"));
            return;
        }
        var files = rc.vertx().fileSystem();
        files.createTempFile("tunelab-model-", ".part")
                .compose(path -> files.open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                        .compose(request::pipeTo)
                        .map(done -> Path.of(path))
                        // A broken upload leaves no file behind, whether or not the delete works.
                        .recover(failed -> files.delete(path).transform(deleted -> Future.<Path>failedFuture(failed))))
                .onComplete(piped -> {
                    if (piped.failed()) {
                        Failures.send(rc, piped.cause());
                        return;
                    }
                    Path file = piped.result();
                    blocking.run(rc, 200, () -> {
                        try {
                            long id = trialId(rc);
                            long size = Files.size(file);
                            if (size != length) {
                                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the model body had " + size
                                        + " bytes but Content-Length said " + length + "; send the whole file again");
                            }
                            String sha256 = experiments.putModel(id, leaseId, file);
                            return Map.of("trial", id, "bytes", size, "sha256", sha256);
                        } finally {
                            deleteQuietly(file);
                        }
                    });
                });
    }

    /** The request's Content-Length, or -1 when it has none or an unreadable one. */
    private static long contentLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return header == null ? -1 : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Answers an upload refused before its body was read; the body the client still sends is
     * drained unread, so the client sees the answer rather than a reset connection.
     */
    private static void refuse(RoutingContext rc, TunelabException e) {
        rc.request().handler(ignored -> { }).resume();
        Failures.send(rc, e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the upload {}: {}", file, e.getMessage());
        }
    }

    private void model(RoutingContext rc) {
        blocking.runThen(rc, () -> queries.model(trialId(rc)), (r, model) -> r.response()
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Disposition", "attachment; filename=\"trial-" + r.pathParam("id") + "-model.zip\"")
                .end(Buffer.buffer(model)));
    }

    private void lease(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.runThen(rc, () -> leases.lease(Json.read(body, LeaseRequest.class)), (r, lease) -> {
            if (lease.isEmpty()) {
                r.response().setStatusCode(204).end();
            } else if (r.response().closed()) {
                // The worker went away while it waited: give the trial to the next one.
                blocking.execute(() -> releaseQuietly(lease.get().trial().id(), lease.get().leaseId()));
            } else {
                Blocking.send(r, 200, Json.writeBytes(lease.get()));
            }
        });
    }

    private void releaseQuietly(long trialId, String leaseId) {
        try {
            leases.release(trialId, leaseId);
        } catch (TunelabException e) {
            LOG.warn("could not release trial {} of a departed worker: {}", trialId, LogText.of(e.getMessage()));
        }
    }

    static long trialId(RoutingContext rc) {
        String id = rc.pathParam("id");
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException ex) {
            throw TunelabException.of(ErrorCode.NOT_FOUND, "no trial with id \"" + id + "\"; trial ids are numbers");
        }
    }
}
