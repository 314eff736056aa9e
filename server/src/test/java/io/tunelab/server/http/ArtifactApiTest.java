package io.tunelab.server.http;

import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Artifacts;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.experiment.CoordinatorConfig;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Trial artifacts over real HTTP: uploaded streamed, listed, downloaded with a safe file name;
 * and every refusal (no Content-Length, over the cap, a bad name, the wrong scope or lease, a
 * finished trial, an unknown trial) says what was wrong and stores nothing.
 */
class ArtifactApiTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final TestServer server = new TestServer(dataDir -> new ServerConfig("127.0.0.1", 0, dataDir, null, Durability.PROCESS,
            CoordinatorConfig.defaults(), null, new HttpLimits(8, Duration.ofSeconds(60), 1024 * 1024, 1024 * 1024)));
    RawHttp raw;
    String admin;
    TunelabClient client;
    Artifacts artifacts;
    ExperimentHandle experiment;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        admin = server.adminToken();
        client = server.client();
        artifacts = Artifacts.of(client);
        experiment = client.launch(ExperimentSpec.builder("files").minimize("loss").param("x", FloatParam.of(0, 1)).build());
    }

    private String token(String name, Scope scope) {
        return server.api().tokens().create(name, Set.of(scope)).secret();
    }

    private static Map<String, String> binary(String token) {
        var headers = new HashMap<String, String>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Content-Type", "application/octet-stream");
        return headers;
    }

    @Test
    void anArtifactRoundTripsAndIsListedWithItsSizeDigestAndUploader() throws Exception {
        long trial = experiment.ask().id();
        Path file = dir.resolve("curve.csv");
        Files.writeString(file, "epoch,loss\n1,0.5\n");
        Artifact stored = artifacts.upload(trial, null, "curve.csv", file);
        assertThat(stored.size()).isEqualTo(Files.size(file));
        assertThat(stored.sha256()).hasSize(64);
        assertThat(stored.createdBy()).isEqualTo("admin");
        artifacts.upload(trial, null, "a-first.bin", new byte[]{1, 2});
        assertThat(artifacts.list(trial)).extracting(Artifact::name).containsExactly("a-first.bin", "curve.csv");
        assertThat(artifacts.download(trial, "curve.csv")).isEqualTo(Files.readAllBytes(file));
        var reply = raw.send("GET", "/api/trials/" + trial + "/artifacts/curve.csv", Map.of("Authorization", "Bearer " + admin), (String) null);
        assertThat(reply.header("Content-Disposition")).isEqualTo("attachment; filename=\"curve.csv\"");
        assertThat(reply.header("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void theSameContentOnTwoTrialsHasOneDigestAndAReuploadReplacesByName() {
        long a = experiment.ask().id();
        long b = experiment.ask().id();
        byte[] plot = "same bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(artifacts.upload(a, null, "plot.png", plot).sha256()).isEqualTo(artifacts.upload(b, null, "p.png", plot).sha256());
        artifacts.upload(a, null, "plot.png", new byte[]{7});
        assertThat(artifacts.list(a)).singleElement().satisfies(x -> assertThat(x.size()).isEqualTo(1));
        assertThat(artifacts.download(b, "p.png")).isEqualTo(plot);
    }

    @Test
    void aBodyWithoutContentLengthIsRefusedBeforeItIsRead() throws Exception {
        long trial = experiment.ask().id();
        var headers = binary(admin);
        headers.put("Transfer-Encoding", "chunked");
        headers.put("Content-Length", null);
        assertRefused(raw.send("PUT", "/api/trials/" + trial + "/artifacts/log.txt", headers, "5\r\nhello\r\n0\r\n\r\n"),
                400, ErrorCode.INVALID_ARGUMENT, "an artifact upload needs a Content-Length header");
        assertThat(artifacts.list(trial)).isEmpty();
    }

    @Test
    void anArtifactOverTheCapIsRefusedNamingTheFlag() throws Exception {
        long trial = experiment.ask().id();
        assertRefused(raw.send("PUT", "/api/trials/" + trial + "/artifacts/big.bin", binary(admin), new byte[1024 * 1024 + 1]),
                413, ErrorCode.BODY_TOO_LARGE, "--max-artifact-mb 1");
        assertThat(artifacts.list(trial)).isEmpty();
    }

    @Test
    void aNameWithPathPartsOrBadCharactersIsRefused() throws Exception {
        long trial = experiment.ask().id();
        for (String name : new String[]{"..%2Fetc%2Fpasswd", "...", "a%5Cb", ".hidden", "sp%20ace", "a%0Ab", "x".repeat(201)}) {
            assertRefused(raw.send("PUT", "/api/trials/" + trial + "/artifacts/" + name, binary(admin), new byte[]{1}),
                    400, ErrorCode.INVALID_ARGUMENT, "artifact name");
        }
        // A raw ".." or "../" never reaches the route: the path is normalized to one that is not an artifact's.
        for (String path : new String[]{"/artifacts/..", "/artifacts/../model", "/artifacts/../../../x"}) {
            assertThat(raw.send("PUT", "/api/trials/" + trial + path, binary(admin), new byte[]{1}).status()).isBetween(400, 499);
        }
        assertThat(artifacts.list(trial)).isEmpty();
        assertThatThrownBy(() -> artifacts.upload(trial, null, "../x", new byte[]{1}))
                .isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("plain file name");
    }

    @Test
    void aReadTokenMayListAndDownloadButNotUpload() throws Exception {
        long trial = experiment.ask().id();
        artifacts.upload(trial, null, "log.txt", new byte[]{1});
        String reader = token("dashboard", Scope.READ);
        assertRefused(raw.send("PUT", "/api/trials/" + trial + "/artifacts/more.txt", binary(reader), new byte[]{2}),
                403, ErrorCode.FORBIDDEN, "needs");
        try (var readOnly = TunelabClient.connect(server.url(), reader)) {
            assertThat(Artifacts.of(readOnly).list(trial)).extracting(Artifact::name).containsExactly("log.txt");
        }
    }

    @Test
    void aWorkerTokenAttachesOnlyUnderTheTrialsOwnLease() throws Exception {
        TrialProposal leased = client.askLeased("files");
        TrialProposal other = client.askLeased("files");
        String worker = token("gpu-box", Scope.WORKER);
        assertRefused(raw.send("PUT", "/api/trials/" + leased.id() + "/artifacts/ckpt.bin", binary(worker), new byte[]{1}),
                400, ErrorCode.INVALID_ARGUMENT, "needs the trial's lease");
        assertRefused(raw.send("PUT", "/api/trials/" + leased.id() + "/artifacts/ckpt.bin?leaseId=" + other.leaseId(), binary(worker),
                new byte[]{1}), 409, ErrorCode.LEASE_LOST, "trial " + leased.id());
        try (var box = TunelabClient.connect(server.url(), worker)) {
            assertThat(Artifacts.of(box).upload(leased.id(), leased.leaseId(), "ckpt.bin", new byte[]{4}).createdBy()).isEqualTo("gpu-box");
            // Any worker reads a trial's checkpoint back, to continue from it (population-based training).
            assertThat(Artifacts.of(box).download(leased.id(), "ckpt.bin")).containsExactly(4);
        }
        // A lease of another experiment's trial is no lease on this one.
        TrialProposal elsewhere = client.launch(ExperimentSpec.builder("elsewhere").minimize("loss").param("x", FloatParam.of(0, 1))
                .build()).ask();
        TrialProposal foreign = client.askLeased("elsewhere");
        assertRefused(raw.send("PUT", "/api/trials/" + leased.id() + "/artifacts/x.bin?leaseId=" + foreign.leaseId(), binary(worker),
                new byte[]{1}), 409, ErrorCode.LEASE_LOST, "trial " + leased.id());
        assertThat(artifacts.list(leased.id())).extracting(Artifact::name).containsExactly("ckpt.bin");
        assertThat(artifacts.list(other.id())).isEmpty();
        assertThat(artifacts.list(elsewhere.id())).isEmpty();
        assertThat(artifacts.list(foreign.id())).isEmpty();
    }

    @Test
    void aFinishedTrialRefusesNewArtifactsAndKeepsItsOwn() {
        long trial = experiment.ask().id();
        artifacts.upload(trial, null, "before.txt", new byte[]{1});
        experiment.tell(trial, 0.5);
        assertThatThrownBy(() -> artifacts.upload(trial, null, "after.txt", new byte[]{2}))
                .isInstanceOf(TunelabException.TrialFinished.class).hasMessageContaining("finished trials never change");
        assertThat(artifacts.list(trial)).extracting(Artifact::name).containsExactly("before.txt");
    }

    @Test
    void unknownTrialsAndArtifactsAreNotFoundWithWhatThereIs() throws Exception {
        long trial = experiment.ask().id();
        artifacts.upload(trial, null, "a.txt", new byte[]{1});
        assertRefused(raw.send("PUT", "/api/trials/999999/artifacts/a.txt", binary(admin), new byte[]{1}), 404, ErrorCode.NOT_FOUND,
                "no trial with id 999999");
        assertRefused(raw.send("GET", "/api/trials/999999/artifacts", Map.of("Authorization", "Bearer " + admin), (String) null),
                404, ErrorCode.NOT_FOUND, "no trial");
        assertRefused(raw.send("GET", "/api/trials/" + trial + "/artifacts/b.txt", Map.of("Authorization", "Bearer " + admin),
                (String) null), 404, ErrorCode.NOT_FOUND, "it has [a.txt]");
        assertRefused(raw.send("GET", "/api/trials/abc/artifacts", Map.of("Authorization", "Bearer " + admin), (String) null),
                404, ErrorCode.NOT_FOUND, "trial ids are numbers");
    }

    @Test
    void anEmptyArtifactIsKept() {
        long trial = experiment.ask().id();
        assertThat(artifacts.upload(trial, null, "empty.log", new byte[0]).size()).isZero();
        assertThat(artifacts.download(trial, "empty.log")).isEmpty();
    }
}
