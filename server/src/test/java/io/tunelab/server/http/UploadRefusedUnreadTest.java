package io.tunelab.server.http;

import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model or artifact upload that is refused whatever its body holds (no lease, a lease id of
 * the wrong form, another's lease, no such trial, a finished one) is answered before its body is
 * read: these requests announce a body of several megabytes and send none of it, so a server
 * that waited for the body would never answer. Nothing is stored and no temporary file is left.
 * What the lease allows still goes through, the refit winner's model under the finalization's lease included.
 */
class UploadRefusedUnreadTest {
    private static final int ANNOUNCED = 8 * 1024 * 1024;
    private static final String UNKNOWN_LEASE = "0b6f3c1e-8d2a-4f5b-9c7e-2a1d4e6f8b90";

    @RegisterExtension
    final TestServer server = new TestServer(dataDir -> new ServerConfig("127.0.0.1", 0, dataDir, null, Durability.PROCESS,
            CoordinatorConfig.defaults(), null, new HttpLimits(8, Duration.ofSeconds(60), 64L << 20, 64L << 20)));
    RawHttp raw;
    TunelabClient client;
    String worker;
    TrialProposal leased;
    long finished;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        client = server.client();
        worker = server.api().tokens().create("gpu-box", Set.of(Scope.WORKER)).secret();
        var experiment = client.launch(ExperimentSpec.builder("uploads").minimize("loss").param("x", FloatParam.of(0, 1)).build());
        leased = client.askLeased("uploads");
        finished = experiment.ask().id();
        experiment.tell(finished, 0.5);
    }

    /** The request's head announces {@link #ANNOUNCED} bytes; the body is never sent. */
    private RawHttp.Reply putAnnounced(String target) throws IOException {
        var headers = new HashMap<String, String>();
        headers.put("Authorization", "Bearer " + worker);
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Content-Length", Integer.toString(ANNOUNCED));
        return raw.send("PUT", target, headers, new byte[0]);
    }

    @Test
    void aModelUploadWithoutALiveLeaseIsRefusedBeforeItsBodyIsRead() throws Exception {
        List<Path> before = uploadsLeft();
        long id = leased.id();
        assertRefused(putAnnounced("/api/trials/" + id + "/model"), 400, ErrorCode.INVALID_ARGUMENT,
                "a model upload needs the trial's lease, as ?leaseId=");
        assertRefused(putAnnounced("/api/trials/" + id + "/model?leaseId=bogus"), 400, ErrorCode.INVALID_ARGUMENT,
                "leaseId \"bogus\" is not a lease id; give the leaseId the lease (or the ask with a lease) answered, a UUID");
        assertRefused(putAnnounced("/api/trials/" + id + "/model?leaseId=" + UNKNOWN_LEASE), 409, ErrorCode.LEASE_LOST,
                "trial " + id + " is leased to another caller; lease " + UNKNOWN_LEASE + " is not its lease (it expired or was released");
        assertRefused(putAnnounced("/api/trials/999999/model?leaseId=" + leased.leaseId()), 404, ErrorCode.NOT_FOUND,
                "no trial with id 999999");
        assertRefused(putAnnounced("/api/trials/" + finished + "/model?leaseId=" + leased.leaseId()), 409, ErrorCode.TRIAL_FINISHED,
                "trial " + finished + " is COMPLETE already");
        assertThat(client.trial(id).provenance()).doesNotContainKey("model_sha256");
        assertThat(client.trial(finished).provenance()).doesNotContainKey("model_sha256");
        assertThat(newUploadsLeft(before)).as("upload files the refused requests left").isEmpty();
    }

    @Test
    void anArtifactUploadWithoutALiveLeaseIsRefusedBeforeItsBodyIsRead() throws Exception {
        List<Path> before = uploadsLeft();
        long id = leased.id();
        assertRefused(putAnnounced("/api/trials/" + id + "/artifacts/ckpt.bin"), 400, ErrorCode.INVALID_ARGUMENT,
                "a worker's artifact upload needs the trial's lease");
        assertRefused(putAnnounced("/api/trials/" + id + "/artifacts/ckpt.bin?leaseId=bogus"), 400, ErrorCode.INVALID_ARGUMENT,
                "leaseId \"bogus\" is not a lease id");
        assertRefused(putAnnounced("/api/trials/" + id + "/artifacts/ckpt.bin?leaseId=" + UNKNOWN_LEASE), 409, ErrorCode.LEASE_LOST,
                "lease " + UNKNOWN_LEASE + " is not its lease (it expired or was released");
        assertRefused(putAnnounced("/api/trials/" + id + "/artifacts/sp%20ace?leaseId=" + leased.leaseId()), 400,
                ErrorCode.INVALID_ARGUMENT, "is not a plain file name");
        assertRefused(putAnnounced("/api/trials/999999/artifacts/ckpt.bin?leaseId=" + leased.leaseId()), 404, ErrorCode.NOT_FOUND,
                "no trial with id 999999");
        assertThat(Artifacts.of(client).list(id)).isEmpty();
        assertThat(newUploadsLeft(before)).as("upload files the refused requests left").isEmpty();
    }

    @Test
    void aWholeBodySentAnywayIsDiscardedAndALeasedUploadStillGoesThrough() throws Exception {
        List<Path> before = uploadsLeft();
        var headers = new HashMap<>(Map.of("Authorization", "Bearer " + worker, "Content-Type", "application/octet-stream"));
        assertRefused(raw.send("PUT", "/api/trials/" + finished + "/artifacts/late.bin?leaseId=" + leased.leaseId(), headers,
                new byte[ANNOUNCED]), 409, ErrorCode.TRIAL_FINISHED, "finished trials never change");
        assertThat(newUploadsLeft(before)).as("upload files the refused requests left").isEmpty();
        try (var box = TunelabClient.connect(server.url(), worker)) {
            assertThat(Artifacts.of(box).upload(leased.id(), leased.leaseId(), "ckpt.bin", new byte[ANNOUNCED]).size())
                    .isEqualTo(ANNOUNCED);
            box.uploadModel(leased.id(), leased.leaseId(), new byte[]{1, 2, 3});
        }
        assertThat(Artifacts.of(client).list(leased.id())).extracting(Artifact::name).containsExactly("ckpt.bin");
        assertThat(client.trial(leased.id()).provenance()).containsKey("model_sha256");
        assertThat(Artifacts.of(client).list(finished)).isEmpty();
    }

    @Test
    void theRefitModelGoesUnderTheFinalizationsLeaseOnAFinishedTrial() {
        var spec = ExperimentSpec.builder("held-out").maximize("accuracy").param("x", FloatParam.of(0, 1)).trials(1)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build();
        var experiment = client.launch(spec);
        long winner = experiment.ask().id();
        client.result(winner, TrialResult.complete(Map.of("accuracy", 0.9)));
        try (var box = TunelabClient.connect(server.url(), worker)) {
            var lease = box.lease(new LeaseRequest("box:1", List.of("dl4j", "tribuo"), 0)).orElseThrow();
            assertThat(lease.finalization()).as("the finalization's lease").isNotNull();
            assertThat(lease.trial().id()).isEqualTo(winner);
            box.uploadModel(winner, lease.leaseId(), new byte[]{4, 2});
        }
        assertThat(client.trial(winner).provenance()).as("the winner's own model stays as it was: none").doesNotContainKey("model_sha256");
        var refit = new java.io.ByteArrayOutputStream();
        client.downloadFinalizationModel("held-out", refit);
        assertThat(refit.toByteArray()).containsExactly(4, 2);
    }

    /** The upload files in the temporary directory and the data directory: those a refused upload must not leave. */
    /**
     * The upload files that were not there {@code before} and stay: a file this server leaked
     * stays, one that another process sharing the temporary folder (another test run on the
     * machine) is writing is renamed or deleted when its upload ends. Waits up to 10 s for none.
     */
    private List<Path> newUploadsLeft(List<Path> before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<Path> added = uploadsLeft().stream().filter(f -> !before.contains(f)).toList();
        while (!added.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            added = uploadsLeft().stream().filter(f -> !before.contains(f)).toList();
        }
        return added;
    }

    private List<Path> uploadsLeft() throws IOException {
        var left = new java.util.ArrayList<Path>();
        for (Path dir : List.of(Path.of(System.getProperty("java.io.tmpdir")), server.dataDir())) {
            // Matched by name alone: a walk reads every entry's attributes, and other processes
            // (another test run, its servers) make and delete folders in the temporary directory meanwhile.
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "tunelab-{model,artifact}-*.part")) {
                files.forEach(left::add);
            }
        }
        return left.stream().sorted().toList();
    }
}
