package io.tunelab.server.http;

import io.tunelab.api.Artifact;
import io.tunelab.server.experiment.TrialArtifacts;
import io.tunelab.server.http.auth.Principal;
import io.tunelab.server.http.auth.RequestGuard;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import static io.tunelab.server.http.QueryParams.takes;
import static io.tunelab.server.http.auth.RequestGuard.requires;
import static io.tunelab.server.http.auth.Scope.READ;
import static io.tunelab.server.http.auth.Scope.WORKER;
import static io.tunelab.server.http.auth.Scope.WRITE;

/**
 * A trial's artifacts: upload ({@code PUT /api/trials/{id}/artifacts/{name}}, streamed like the
 * model upload, Content-Length required, capped by {@code --max-artifact-mb}), list and download.
 * A download goes from storage to a temporary file off the event loop and from there to the
 * client, so a slow client holds no database connection ({@link Downloads}); a HEAD answers the
 * size stored with the artifact, without reading its content.
 */
final class ArtifactRoutes {
    private final TrialArtifacts artifacts;
    private final Blocking blocking;
    private final Uploads.Cap cap;

    ArtifactRoutes(TrialArtifacts artifacts, Blocking blocking, long maxArtifactBytes) {
        this.artifacts = artifacts;
        this.blocking = blocking;
        this.cap = new Uploads.Cap("artifact", maxArtifactBytes, "--max-artifact-mb", "split the file or compress it");
    }

    /** The upload, registered before the API's JSON body handler (it reads its body itself). */
    void registerUpload(Router router) {
        takes(router.put("/api/trials/:id/artifacts/:name"), "leaseId").handler(requires(WRITE, WORKER)).handler(this::put);
    }

    void register(Router router) {
        takes(router.get("/api/trials/:id/artifacts")).handler(requires(READ)).handler(this::list);
        // A worker reads artifacts too: a population-based training member continues from its parent's checkpoint.
        takes(router.get("/api/trials/:id/artifacts/:name")).handler(requires(READ, WORKER)).handler(this::download);
    }

    private void put(RoutingContext rc) {
        String leaseId = rc.request().getParam("leaseId");
        String name = rc.pathParam("name");
        Principal principal = RequestGuard.principal(rc);
        // A worker token attaches only under the trial's lease; a write token may without one.
        boolean mayOmitLease = principal.allows(WRITE);
        Uploads.receive(rc, blocking, cap, () -> artifacts.checkPut(TrialRoutes.trialId(rc), name, leaseId, mayOmitLease), (file, size) ->
                artifacts.put(TrialRoutes.trialId(rc), name, leaseId, mayOmitLease, principal.name(), file));
    }

    private void list(RoutingContext rc) {
        blocking.run(rc, 200, () -> artifacts.list(TrialRoutes.trialId(rc)));
    }

    private void download(RoutingContext rc) {
        String name = rc.pathParam("name");
        Downloads.send(rc, blocking, out -> {
            Artifact artifact = artifacts.find(TrialRoutes.trialId(rc), name);
            artifacts.copy(artifact, out);
            return artifact;
        }, () -> {
            Artifact artifact = artifacts.find(TrialRoutes.trialId(rc), name);
            return new Downloads.Size<>(artifact, artifact.size());
        }, (response, artifact) -> response
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("ETag", "\"" + artifact.sha256() + "\"")
                // The name holds only letters, digits, '.', '_' and '-' (Artifact.checkName), so it needs no escaping.
                .putHeader("Content-Disposition", "attachment; filename=\"" + artifact.name() + "\""));
    }
}
