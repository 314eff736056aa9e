package io.tunelab.server.http;

import io.tunelab.api.AskBatchRequest;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.ReportReply;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.SuggestRequest;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.server.experiment.Coordinator;
import io.tunelab.server.experiment.ExperimentQueries;
import io.tunelab.server.experiment.ExperimentService;
import io.tunelab.server.experiment.LeaseService;
import io.tunelab.server.experiment.LogText;
import io.tunelab.server.experiment.RequestKey;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.tunelab.server.http.QueryParams.takes;
import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WORKER;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * The routes of one trial and of leases: read a trial, report, tell (optionally answered with the
 * next trial), suggest, heartbeat, release, upload and download its model, lease the next one, and
 * ask for several trials at once. Each handler parses its request, runs
 * the domain call through {@link Blocking} and answers with JSON.
 */
final class TrialRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRoutes.class);

    private final ExperimentService experiments;
    private final LeaseService leases;
    private final ExperimentQueries queries;
    private final Blocking blocking;
    private final Uploads.Cap modelCap;

    TrialRoutes(Coordinator coordinator, Blocking blocking, long maxModelBytes) {
        this.experiments = coordinator.experiments();
        this.leases = coordinator.leases();
        this.queries = coordinator.queries();
        this.blocking = blocking;
        this.modelCap = new Uploads.Cap("model", maxModelBytes, "--max-model-mb", "export a smaller model");
    }

    /**
     * The model upload, registered before the API's JSON body handler: it reads the body itself,
     * streaming it to a temporary file (never whole into memory), and answers, so no body handler
     * sees the request. A body without a Content-Length, longer than the model cap, or sent
     * without the trial's live lease, is refused before any of it is read.
     */
    void registerModelUpload(Router router) {
        takes(router.put("/api/trials/:id/model"), "leaseId").handler(requires(WORKER)).handler(this::putModel);
    }

    void register(Router router) {
        takes(router.get("/api/trials/:id")).handler(requires(READ)).handler(this::trial);
        takes(router.post("/api/trials/:id/reports")).handler(requires(WRITE, WORKER)).handler(this::report);
        takes(router.post("/api/trials/:id/result")).handler(requires(WRITE, WORKER)).handler(this::result);
        takes(router.post("/api/trials/:id/suggest")).handler(requires(WRITE)).handler(this::suggest);
        takes(router.post("/api/trials/:id/heartbeat")).handler(requires(WRITE, WORKER)).handler(this::heartbeat);
        takes(router.post("/api/trials/:id/release")).handler(requires(WRITE, WORKER)).handler(this::release);
        takes(router.get("/api/trials/:id/model")).handler(requires(READ)).handler(this::model);
        takes(router.post("/api/leases")).handler(requires(WORKER)).handler(this::lease);
        takes(router.post("/api/experiments/:ref/trials/batch")).handler(requires(WRITE)).handler(this::askBatch);
    }

    private void trial(RoutingContext rc) {
        blocking.run(rc, 200, () -> queries.trial(trialId(rc)));
    }

    private void report(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> new ReportReply(experiments.report(trialId(rc), Json.read(body, ReportRequest.class))));
    }

    /**
     * The tell. A plain tell answers the trial as {@code GET /api/trials/{id}} shows it, or, asked
     * with {@code Prefer: return=minimal} (the SDK's and the workers' tells, which do not read it),
     * 204 with no body; a tell with {@code "next": true} always answers its TellReply.
     */
    private void result(RoutingContext rc) {
        String body = rc.body().asString();
        String by = RequestGuard.principal(rc).name();
        RequestKey requestId = HttpApi.requestKey(rc);
        boolean minimal = ReturnPreference.minimal(rc.request().headers().getAll(ReturnPreference.HEADER));
        // Told right here on the event loop when the domain can do it without a wait
        // (ExperimentService#tellHere); otherwise on a virtual thread.
        blocking.runHereOrLater(rc, () -> TellRequest.parse(body), tell -> {
            if (tell.next()) {
                return experiments.tellThenAskHere(trialId(rc), tell.result(), by, requestId, blocking);
            }
            var told = experiments.tellHere(trialId(rc), tell.result(), by, requestId, blocking);
            return told == null ? null : answered(told, minimal);
        }, tell -> {
            if (tell.next()) {
                return experiments.tellThenAskLater(trialId(rc), tell.result(), by, requestId, blocking);
            }
            return answered(experiments.tellLater(trialId(rc), tell.result(), by, requestId, blocking), minimal);
        }, (r, reply) -> {
            if (reply == NO_CONTENT) {
                r.response().setStatusCode(204).putHeader(ReturnPreference.APPLIED, ReturnPreference.MINIMAL).end();
            } else {
                Blocking.send(r, 200, Json.writeBytes(reply));
            }
        });
    }

    /** What a tell asked with {@code Prefer: return=minimal} answers: no body. */
    private static final Object NO_CONTENT = new Object();

    /** A plain tell's answer: no body when asked so, else the trial as {@code GET /api/trials/{id}} shows it. */
    private CompletionStage<?> answered(CompletableFuture<Trial> told, boolean minimal) {
        return minimal ? told.thenApply(t -> NO_CONTENT) : told.thenApply(queries::told);
    }

    private void askBatch(RoutingContext rc) {
        String ref = rc.pathParam("ref");
        String body = rc.body().asString();
        RequestKey requestId = HttpApi.requestKey(rc);
        blocking.run(rc, 201, () -> {
            AskBatchRequest request = Json.read(body, AskBatchRequest.class);
            return experiments.ask(ref, request.count(), request.leased(), requestId);
        });
    }

    private void suggest(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> {
            SuggestRequest request = Json.read(body, SuggestRequest.class);
            return Map.of("value", experiments.suggest(trialId(rc), request.name(), request.param()));
        });
    }

    private record ReleaseRequest(String leaseId) {
    }

    private record HeartbeatRequest(String leaseId) {
    }

    private void heartbeat(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> leases.heartbeat(trialId(rc), Json.read(body, HeartbeatRequest.class).leaseId()));
    }

    private void release(RoutingContext rc) {
        String body = rc.body().asString();
        blocking.run(rc, 200, () -> leases.release(trialId(rc), Json.read(body, ReleaseRequest.class).leaseId()));
    }

    private void putModel(RoutingContext rc) {
        String leaseId = rc.request().getParam("leaseId");
        Uploads.receive(rc, blocking, modelCap, () -> experiments.checkModelUpload(trialId(rc), leaseId), (file, size) -> {
            long id = trialId(rc);
            String sha256 = experiments.putModel(id, leaseId, file);
            return Map.of("trial", id, "bytes", size, "sha256", sha256);
        });
    }

    /**
     * The trial's own model, streamed from the database through a temporary file ({@link Downloads});
     * a HEAD reads its stored size alone, without loading the trial's experiment.
     */
    private void model(RoutingContext rc) {
        String id = rc.pathParam("id");
        Downloads.send(rc, blocking, out -> {
            queries.copyModel(trialId(rc), out);
            return id;
        }, () -> new Downloads.Size<>(id, queries.modelBytes(trialId(rc))), trial -> "trial-" + trial + "-model.zip");
    }

    private void lease(RoutingContext rc) {
        String body = rc.body().asString();
        RequestKey requestId = HttpApi.requestKey(rc);
        blocking.runThen(rc, () -> leases.lease(Json.read(body, LeaseRequest.class), requestId), (r, lease) -> {
            if (lease.isEmpty()) {
                r.response().setStatusCode(204).end();
            } else if (r.response().closed() && requestId == null) {
                // The worker went away while it waited: give the trial to the next one. Under a
                // request id the lease is kept for a short grace: its worker sends the request
                // again and gets it, else the next worker gets the trial once the grace is over.
                blocking.execute(() -> releaseQuietly(lease.get().trial().id(), lease.get().leaseId()));
            } else if (r.response().closed()) {
                blocking.execute(() -> keepQuietly(lease.get(), requestId));
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

    private void keepQuietly(Lease lease, RequestKey requestId) {
        long trialId = lease.trial().id();
        try {
            Instant until = leases.keepForRetry(lease, requestId);
            LOG.info("trial {} leased under request id {} to a worker that went away while it waited; {}", trialId,
                    LogText.of(requestId.id()), until == null ? "left as it was (renewed since: its retry was answered, or it heartbeat; or its lease is over)"
                            : "kept for its retry until " + until);
        } catch (TunelabException e) {
            LOG.warn("could not shorten the lease of trial {} of a departed worker: {}", trialId, LogText.of(e.getMessage()));
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
