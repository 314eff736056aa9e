package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Finalization;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.TestResult;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.http.auth.Scope;
import io.tunelab.server.testing.HeldOutWinner;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tunelab.server.http.HttpSecurityTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The refit model is the finalization's own: a worker uploads it on the trial's model route
 * under the finalization's lease, and it lands beside the finalization (its SHA-256 and size in
 * the finalization's JSON, its bytes at {@code GET /api/experiments/{ref}/finalization/model}),
 * while the winner trial's own model and its {@code model_sha256} stay as the search stored them,
 * also after a restart. The download needs {@code read}, as a trial's model does, and says why
 * when there is nothing to send; a HEAD answers its size (Content-Length) and headers without its bytes,
 * and for a trial's own model without loading the trial's experiment either.
 */
class FinalizationModelApiTest {
    private static final byte[] SEARCH_MODEL = {1, 2, 3};
    private static final byte[] REFIT_MODEL = {4, 2};

    @RegisterExtension
    final TestServer server = new TestServer();
    RawHttp raw;
    TunelabClient client;
    String worker;
    String reader;
    long winner;

    @BeforeEach
    void start() {
        raw = new RawHttp(server.port());
        client = server.client();
        worker = server.api().tokens().create("gpu-box", Set.of(Scope.WORKER)).secret();
        reader = server.api().tokens().create("viewer", Set.of(Scope.READ)).secret();
        client.launch(HeldOutWinner.spec("held-out"));
        client.launch(ExperimentSpec.builder("plain").minimize("loss").param("x", FloatParam.of(0, 1)).trials(5).build());
        try (var box = TunelabClient.connect(server.url(), worker)) {
            winner = HeldOutWinner.runWithModel(box, SEARCH_MODEL).trial().id();
        }
    }

    /** Leases the finalization the completion asked for and uploads the refit model under its lease. */
    private Lease refit() {
        try (var box = TunelabClient.connect(server.url(), worker)) {
            Lease lease = HeldOutWinner.lease(box);
            assertThat(lease.finalization()).as("the finalization's lease").isNotNull();
            assertThat(lease.trial().id()).isEqualTo(winner);
            box.uploadModel(winner, lease.leaseId(), REFIT_MODEL);
            return lease;
        }
    }

    private byte[] refitModel(TunelabClient c, String ref) {
        var out = new ByteArrayOutputStream();
        c.downloadFinalizationModel(ref, out);
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theRefitModelIsTheFinalizationsAndTheWinnersOwnModelStaysAsTheSearchStoredIt() throws Exception {
        refit();
        assertThat(client.trial(winner).provenance()).as("the winner's provenance").containsEntry("model_sha256", sha256(SEARCH_MODEL));
        assertThat(client.downloadModel(winner)).as("the winner's own model").containsExactly(SEARCH_MODEL);
        Finalization f = client.finalization("held-out");
        assertThat(f.modelSha256()).isEqualTo(sha256(REFIT_MODEL));
        assertThat(f.modelBytes()).isEqualTo(REFIT_MODEL.length);
        assertThat(refitModel(client, "held-out")).containsExactly(REFIT_MODEL);
        assertThat(client.trial(winner).finalization().modelSha256()).as("the winner's finalization in its JSON").isEqualTo(sha256(REFIT_MODEL));

        server.restart();
        TunelabClient again = server.client();
        assertThat(again.downloadModel(winner)).containsExactly(SEARCH_MODEL);
        assertThat(again.trial(winner).provenance()).containsEntry("model_sha256", sha256(SEARCH_MODEL));
        assertThat(again.finalization("held-out").modelSha256()).isEqualTo(sha256(REFIT_MODEL));
        assertThat(refitModel(again, String.valueOf(again.describe("held-out").id()))).as("by id too").containsExactly(REFIT_MODEL);
    }

    @Test
    void theDownloadNeedsAReadTokenAsATrialsModelDoes() throws Exception {
        refit();
        String path = "/api/experiments/held-out/finalization/model";
        RawHttp.Reply read = raw.send("GET", path, Map.of("Authorization", "Bearer " + reader), (String) null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.headers()).containsEntry("content-type", "application/octet-stream")
                .containsEntry("content-disposition", "attachment; filename=\"trial-" + winner + "-refit-model.zip\"");
        assertRefused(raw.send("GET", path, Map.of(), (String) null), 401, ErrorCode.UNAUTHENTICATED, "token");
        assertRefused(raw.send("GET", path, Map.of("Authorization", "Bearer " + worker), (String) null), 403, ErrorCode.FORBIDDEN,
                "needs read");
        assertRefused(raw.send("GET", "/api/trials/" + winner + "/model", Map.of("Authorization", "Bearer " + worker), (String) null),
                403, ErrorCode.FORBIDDEN, "needs read");
    }

    @Test
    void aHeadAnswersAModelsSizeAndHeadersWithoutItsBytes() throws Exception {
        refit();
        var auth = Map.of("Authorization", "Bearer " + reader);
        for (var download : Map.of("/api/experiments/held-out/finalization/model", REFIT_MODEL,
                "/api/trials/" + winner + "/model", SEARCH_MODEL).entrySet()) {
            String path = download.getKey();
            RawHttp.Reply get = raw.send("GET", path, auth, (String) null);
            RawHttp.Reply head = raw.send("HEAD", path, auth, (String) null);
            assertThat(head.status()).as("HEAD " + path).isEqualTo(200);
            assertThat(head.header("Content-Length")).as("HEAD " + path).isEqualTo(Integer.toString(download.getValue().length))
                    .isEqualTo(get.header("Content-Length"));
            assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(head.header("Content-Disposition")).isEqualTo(get.header("Content-Disposition"));
            assertThat(head.body()).as("HEAD " + path).isEmpty();
        }
        // Nothing to send: the GET's refusal, its length without its body.
        RawHttp.Reply get = raw.send("GET", "/api/experiments/plain/finalization/model", auth, (String) null);
        RawHttp.Reply head = raw.send("HEAD", "/api/experiments/plain/finalization/model", auth, (String) null);
        assertThat(head.status()).isEqualTo(get.status()).isEqualTo(404);
        assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"))
                .isEqualTo(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aHeadOfATrialsModelReadsItsSizeWithoutLoadingItsExperiment() throws Exception {
        // A trial of the SDK's that stored a model under its lease and finished: after a restart, nothing keeps its experiment in memory.
        client.launch(ExperimentSpec.builder("own").minimize("loss").param("x", FloatParam.of(0, 1)).trials(5).build());
        TrialProposal withModel = client.askLeased("own");
        client.uploadModel(withModel.id(), withModel.leaseId(), SEARCH_MODEL);
        client.result(withModel.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", 0.5), null, null, withModel.leaseId(), null));
        long modelless = client.ask("own").id();
        client.result(modelless, TrialResult.complete(Map.of("loss", 0.7)));
        server.restart();
        raw = new RawHttp(server.port());
        int loaded = server.loadedExperiments();
        var auth = Map.of("Authorization", "Bearer " + reader);
        var paths = List.of("/api/trials/" + withModel.id() + "/model", "/api/trials/" + modelless + "/model", "/api/trials/999999/model",
                "/api/trials/x1/model");
        var heads = new java.util.LinkedHashMap<String, RawHttp.Reply>();
        for (String path : paths) {
            heads.put(path, raw.send("HEAD", path, auth, (String) null));
        }
        assertThat(server.loadedExperiments()).as("no HEAD loaded the experiment").isEqualTo(loaded);
        RawHttp.Reply head = heads.get(paths.getFirst());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(SEARCH_MODEL.length));
        assertThat(head.header("Content-Disposition")).isEqualTo("attachment; filename=\"trial-" + withModel.id() + "-model.zip\"");
        // What the HEADs refused, as the GETs refuse it: the same code and message, which the HEAD leaves out but for its length.
        var queries = server.api().coordinator().queries();
        assertThatThrownBy(() -> queries.modelBytes(modelless)).isInstanceOf(TunelabException.NotFound.class)
                .hasMessage("trial " + modelless + " has no stored model; only trials run by a worker with a task have one");
        assertThatThrownBy(() -> queries.modelBytes(999_999)).isInstanceOf(TunelabException.NotFound.class)
                .hasMessage("no trial with id 999999");
        assertThat(server.loadedExperiments()).as("nor did the refusals").isEqualTo(loaded);
        var refusals = Map.of(paths.get(1), "trial " + modelless + " has no stored model", paths.get(2), "no trial with id 999999",
                paths.get(3), "no trial with id \"x1\"; trial ids are numbers");
        for (var refused : refusals.entrySet()) {
            RawHttp.Reply get = raw.send("GET", refused.getKey(), auth, (String) null);
            assertRefused(get, 404, ErrorCode.NOT_FOUND, refused.getValue());
            RawHttp.Reply refusedHead = heads.get(refused.getKey());
            assertThat(refusedHead.status()).as("HEAD " + refused.getKey()).isEqualTo(404);
            assertThat(refusedHead.header("Content-Type")).isEqualTo("application/json");
            assertThat(refusedHead.header("Content-Length")).as("HEAD " + refused.getKey())
                    .isEqualTo(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            assertThat(refusedHead.body()).isEmpty();
        }
        RawHttp.Reply get = raw.send("GET", paths.getFirst(), auth, (String) null);
        assertThat(get.header("Content-Length")).isEqualTo(head.header("Content-Length"));
        assertThat(server.loadedExperiments()).as("a GET loads it").isEqualTo(loaded + 1);
    }

    @Test
    void nothingToSendIsA404ThatSaysWhy() {
        String path = "/api/experiments/%s/finalization/model";
        var admin = Map.of("Authorization", "Bearer " + server.adminToken());
        assertThat(client.finalization("held-out").modelSha256()).as("no refit model yet").isNull();
        assertRefused(send(path.formatted("held-out"), admin), 404, ErrorCode.NOT_FOUND,
                "the finalization of experiment \"held-out\" (trial #" + client.trial(winner).number() + ", WAITING) has no refit model yet");
        assertRefused(send(path.formatted("plain"), admin), 404, ErrorCode.NOT_FOUND,
                "experiment \"plain\" has no finalization, so no refit model");
        assertRefused(send(path.formatted("nothing-here"), admin), 404, ErrorCode.NOT_FOUND, "nothing-here");
        assertThatThrownBy(() -> refitModel(client, "held-out")).isInstanceOf(TunelabException.NotFound.class)
                .hasMessageContaining("has no refit model yet");
        assertThat(client.downloadModel(winner)).as("unchanged").containsExactly(SEARCH_MODEL);
    }

    @Test
    void aTestScoreToldThroughTheSdkReplacesTheFinalizationWithoutARefitModel() throws Exception {
        Lease lease = refit();
        try (var box = TunelabClient.connect(server.url(), worker)) {
            box.test(winner, new TestResult(Map.of("accuracy", 0.85), null, lease.leaseId()));
        }
        assertThat(client.finalization("held-out").modelSha256()).as("the worker's test keeps its model").isEqualTo(sha256(REFIT_MODEL));
        client.test(winner, TestResult.of(Map.of("accuracy", 0.8)));
        assertThat(client.finalization("held-out").modelSha256()).isNull();
        assertThatThrownBy(() -> refitModel(client, "held-out")).isInstanceOf(TunelabException.NotFound.class)
                .hasMessageContaining("has no refit model yet");
        assertThat(client.downloadModel(winner)).containsExactly(SEARCH_MODEL);
    }

    private RawHttp.Reply send(String path, Map<String, String> headers) {
        try {
            return raw.send("GET", path, headers, (String) null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
