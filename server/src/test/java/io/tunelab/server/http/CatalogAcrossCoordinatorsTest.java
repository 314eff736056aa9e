package io.tunelab.server.http;

import io.tunelab.api.Artifact;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentPatch;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.TestResult;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Artifacts;
import io.tunelab.client.Catalog;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.ServerConfig;
import io.tunelab.server.storage.Durability;
import io.tunelab.server.testing.Storages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two coordinators on one PostgreSQL database, as behind a load balancer: a client writes to
 * one (A) and reads from the other (B) right after the write returns, with no waiting for
 * notices. Renames, tags, notes, archiving, clones, deletes, artifacts and finalizations made on
 * A are what B answers at once, by name, by id and in its list.
 */
class CatalogAcrossCoordinatorsTest {

    @TempDir
    Path dir;
    private ApiServer a;
    private ApiServer b;
    private TunelabClient toA;
    private TunelabClient toB;
    private String admin;
    private io.tunelab.server.storage.Database.Postgres db;

    @BeforeEach
    void start() {
        db = (io.tunelab.server.storage.Database.Postgres) Storages.newPostgresDatabase("catalog");
        a = ApiServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("a"), db, Durability.PROCESS, null, null, null));
        b = ApiServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("b"), db, Durability.PROCESS, null, null, null));
        admin = a.newAdminToken().orElseThrow();
        toA = TunelabClient.connect(a.origin(), admin);
        toB = TunelabClient.connect(b.origin(), admin);
    }

    @AfterEach
    void stop() {
        toA.close();
        toB.close();
        a.close();
        b.close();
    }

    private static ExperimentSpec spec(String name) {
        return ExperimentSpec.builder(name).minimize("loss").param("x", FloatParam.of(0, 1)).trials(20).build();
    }

    private static void assertNotFound(Runnable read) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(TunelabException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aRenameOnOneCoordinatorIsTheNameTheOtherAnswersToAtOnceAndTheOldNameIsRefused() {
        long id = toA.launch(spec("alpha")).info().id();
        assertThat(toB.describe("alpha").id()).as("B knows the old name").isEqualTo(id);

        Catalog.of(toA).update("alpha", ExperimentPatch.rename("beta"));

        assertThat(toB.describe("beta").id()).isEqualTo(id);
        assertNotFound(() -> toB.describe("alpha"));
        assertNotFound(() -> toB.ask("alpha"));
        assertThat(toB.describe(Long.toString(id)).name()).isEqualTo("beta");
        assertThat(toB.experiments()).extracting(ExperimentSummary::name).containsExactly("beta");

        // The old name is free again, on either coordinator, and the two never mix up.
        toB.launch(spec("alpha"));
        assertThat(toA.describe("alpha").id()).isNotEqualTo(id);
        assertThat(toA.describe("beta").id()).isEqualTo(id);
        // A name just taken on the other coordinator is a duplicate, not a failed write.
        toA.launch(spec("gamma"));
        assertThatThrownBy(() -> Catalog.of(toB).update("beta", ExperimentPatch.rename("gamma")))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));
        assertThat(toA.describe("beta").id()).isEqualTo(id);
    }

    /** A HEAD of {@code path} on coordinator B: its status and the value of {@code header} ("none" without it). */
    private Map.Entry<Integer, String> headOnB(String path, String header) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(b.origin() + path)).header("Authorization", "Bearer " + admin)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return Map.entry(r.statusCode(), r.headers().firstValue(header).orElse("none"));
        }
    }

    private Map.Entry<Integer, String> headOnB(String path) throws Exception {
        return headOnB(path, "Content-Disposition");
    }

    @Test
    void aHeadOfAModelOrArtifactStoredOnOneCoordinatorAnswersItsStoredSizeOnTheOther() throws Exception {
        toA.launch(ExperimentSpec.builder("sized").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1)).trials(1)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
        Lease lease = toA.lease(new LeaseRequest("w1", List.of("dl4j"), 0)).orElseThrow();
        long trial = lease.trial().id();
        toA.uploadModel(trial, lease.leaseId(), new byte[1234]);
        Artifacts.of(toA).upload(trial, lease.leaseId(), "log.txt", new byte[56]);

        assertThat(headOnB("/api/trials/" + trial + "/model", "Content-Length")).isEqualTo(Map.entry(200, "1234"));
        assertThat(headOnB("/api/trials/" + trial + "/artifacts/log.txt", "Content-Length")).isEqualTo(Map.entry(200, "56"));
        assertThat(headOnB("/api/experiments/sized/finalization/model").getKey()).as("no finalization yet").isEqualTo(404);

        // The only trial completes the experiment, whose finalization refits it.
        toA.result(trial, new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, lease.leaseId(), null));
        Lease refit = toA.lease(new LeaseRequest("w1", List.of("dl4j"), 0)).orElseThrow();
        assertThat(refit.finalization()).isNotNull();
        assertThat(headOnB("/api/experiments/sized/finalization/model").getKey()).as("no refit model yet").isEqualTo(404);
        toA.uploadModel(trial, refit.leaseId(), new byte[77]);
        assertThat(headOnB("/api/experiments/sized/finalization/model", "Content-Length")).isEqualTo(Map.entry(200, "77"));
        assertThat(headOnB("/api/trials/" + trial + "/model", "Content-Length")).as("the trial's own").isEqualTo(Map.entry(200, "1234"));
    }

    @Test
    void aHeadOfAnExportOnTheOtherCoordinatorNamesTheFileAfterTheNameNowStored() throws Exception {
        long id = toA.launch(spec("alpha")).info().id();
        assertThat(headOnB("/api/experiments/alpha/trials.csv")).isEqualTo(Map.entry(200, "attachment; filename=\"alpha-trials.csv\""));

        Catalog.of(toA).update("alpha", ExperimentPatch.rename("beta"));
        assertThat(headOnB("/api/experiments/beta/trials.json")).isEqualTo(Map.entry(200, "attachment; filename=\"beta-trials.json\""));
        assertThat(headOnB("/api/experiments/" + id + "/trials.csv")).isEqualTo(Map.entry(200, "attachment; filename=\"beta-trials.csv\""));
        assertThat(headOnB("/api/experiments/alpha/trials.csv").getKey()).as("the old name").isEqualTo(404);

        toA.stop("beta");
        Catalog.of(toA).delete("beta");
        assertThat(headOnB("/api/experiments/" + id + "/trials.csv").getKey()).as("deleted on A").isEqualTo(404);
    }

    @Test
    void parameterImportanceOnOneCoordinatorCountsTheTrialsToldOnTheOther() {
        toA.launch(spec("important"));
        for (int i = 0; i < 4; i++) {
            TrialProposal p = toA.ask("important");
            toA.result(p.id(), TrialResult.complete(Map.of("loss", ((Number) p.params().get("x")).doubleValue())));
        }
        assertThat(toB.importance("important", 0).trials()).isEqualTo(4);

        TrialProposal p = toA.ask("important");
        toA.result(p.id(), TrialResult.complete(Map.of("loss", 0.5)));

        assertThat(toB.importance("important", 0).trials()).as("never the answer cached for 4 trials").isEqualTo(5);
    }

    @Test
    void tagsNotesAndArchivingOnOneCoordinatorFilterTheOthersListAtOnce() {
        toA.launch(spec("kept"));
        toA.launch(spec("shelved"));
        assertThat(toB.experiments()).hasSize(2);

        Catalog.of(toA).update("shelved", new ExperimentPatch(null, null, List.of("baseline"), null, "the first try", true));

        assertThat(Catalog.of(toB).list("baseline", true)).extracting(ExperimentSummary::name).containsExactly("shelved");
        assertThat(Catalog.of(toB).list(null, false)).extracting(ExperimentSummary::name).containsExactly("kept");
        var labels = toB.describe("shelved").summary().labels();
        assertThat(labels.tags()).containsExactly("baseline");
        assertThat(labels.notes()).isEqualTo("the first try");
        assertThat(labels.archived()).isTrue();
    }

    @Test
    void aCloneAndADeleteOnOneCoordinatorAreTheOthersAtOnce() {
        toA.launch(spec("source"));
        Catalog.of(toA).update("source", ExperimentPatch.tagging(List.of("lr"), List.of()));
        assertThat(toB.experiments()).extracting(ExperimentSummary::name).containsExactly("source");

        long copy = Catalog.of(toA).copy("source", "copy").id();
        assertThat(Catalog.of(toB).list("lr", false)).extracting(ExperimentSummary::name).containsExactly("source", "copy");
        assertThat(toB.describe("copy").id()).isEqualTo(copy);

        long trial = toA.ask("copy").id();
        Artifacts.of(toA).upload(trial, null, "notes.txt", new byte[]{1});
        assertThat(Artifacts.of(toB).list(trial)).hasSize(1);

        toA.stop("copy");
        Catalog.of(toA).delete("copy");
        assertThat(toB.experiments()).extracting(ExperimentSummary::name).containsExactly("source");
        assertNotFound(() -> toB.describe("copy"));
        assertNotFound(() -> toB.describe(Long.toString(copy)));
        assertNotFound(() -> toB.trial(trial));
        assertNotFound(() -> Artifacts.of(toB).list(trial));
    }

    @Test
    void anArtifactAttachedOnOneCoordinatorIsListedAndServedByTheOtherAtOnce() {
        var experiment = toA.launch(spec("files"));
        experiment.ask();
        long trial = toA.ask("files").id(); // a trial B has not seen
        byte[] log = "epoch 1: 0.5\n".getBytes(StandardCharsets.UTF_8);

        Artifacts.of(toA).upload(trial, null, "log.txt", log);

        assertThat(Artifacts.of(toB).list(trial)).extracting(Artifact::name).containsExactly("log.txt");
        assertThat(Artifacts.of(toB).download(trial, "log.txt")).isEqualTo(log);
    }

    @Test
    void aFinalizationOnOneCoordinatorIsTheOthersAtOnceAndItsLeaseHoldsThere() {
        var spec = ExperimentSpec.builder("refit").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1)).trials(20)
                .task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build();
        toA.launch(spec);
        TrialProposal p = toA.ask("refit");
        toA.result(p.id(), TrialResult.complete(Map.of("accuracy", 0.9)));
        assertNotFound(() -> toB.finalization("refit"));

        toA.finalizeWinner("refit");
        assertThat(toB.finalization("refit").state()).isEqualTo(TrialState.WAITING);
        toA.pause("refit"); // no trial to lease: the worker's lease is the finalization's
        Lease lease = toA.lease(new LeaseRequest("w1", List.of("dl4j"), 0)).orElseThrow();
        assertThat(lease.finalization()).isNotNull();

        assertThat(toB.heartbeat(p.id(), lease.leaseId()).leaseId()).isEqualTo(lease.leaseId());
        assertThat(toB.finalization("refit").state()).isEqualTo(TrialState.RUNNING);
        toB.test(p.id(), new TestResult(Map.of("accuracy", 0.88), null, lease.leaseId()));
        assertThat(toA.finalization("refit").state()).isEqualTo(TrialState.COMPLETE);
        assertThat(toA.finalization("refit").test()).containsEntry("accuracy", 0.88);
    }
    @Test
    void aLeaseSentAgainToTheOtherCoordinatorUnderItsIdIsTheSameLeaseAndAtOnceOnBothIsOneLease() throws Exception {
        toA.launch(ExperimentSpec.builder("leased").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1)).trials(20)
                .task(Map.of("dataset", Map.of("name", "iris"))).build());
        var request = new LeaseRequest("w1", List.of("dl4j"), 0);
        Lease first = toA.lease(request, "lease-ab").orElseThrow();
        assertThat(toB.lease(request, "lease-ab")).contains(first);

        // Both coordinators at once under one new id, 10 rounds: one trial leased, both answered with it.
        for (int round = 0; round < 10; round++) {
            String id = "lease-both-" + round;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var onA = pool.submit(() -> toA.lease(request, id).orElseThrow());
                var onB = pool.submit(() -> toB.lease(request, id).orElseThrow());
                assertThat(onB.get()).as("round " + round).isEqualTo(onA.get());
            }
        }
        assertThat(toB.trials("leased")).hasSize(11);
    }
    /** A browser session opened on coordinator A: its cookie ({@code name=value}) and anti-CSRF value. */
    private record BrowserSession(String cookie, String csrf) {
    }

    private BrowserSession logInOnA(HttpClient http) throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(a.origin() + "/api/session"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + admin + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return new BrowserSession(setCookie.substring(0, setCookie.indexOf(';')),
                (String) io.tunelab.api.Json.read(login.body(), Map.class).get("csrf"));
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSessionFirstSeenOnTheOtherCoordinatorIsReadOffItsEventLoopWithGetsBodiesAndUploadsAnswered() throws Exception {
        long id = toA.launch(spec("browser")).info().id();
        TrialProposal p = toA.ask("browser");
        // One client, so the requests share kept-alive connections: a paused request left paused would stall the next.
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            BrowserSession reading = logInOnA(http);
            for (int i = 0; i < 3; i++) {
                assertThat(send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments")).header("Cookie", reading.cookie()))
                        .statusCode()).isEqualTo(200);
            }
            BrowserSession pausing = logInOnA(http);
            var paused = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments/" + id + "/pause"))
                    .header("Cookie", pausing.cookie()).header("X-Tunelab-CSRF", pausing.csrf()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(toA.describe("browser").state()).isEqualTo(io.tunelab.api.ExperimentState.PAUSED);

            BrowserSession uploading = logInOnA(http);
            byte[] log = "epoch 1\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);
            var uploaded = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/trials/" + p.id() + "/artifacts/log.txt"))
                    .header("Cookie", uploading.cookie()).header("X-Tunelab-CSRF", uploading.csrf())
                    .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(log)));
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
            assertThat(Artifacts.of(toA).download(p.id(), "log.txt")).isEqualTo(log);

            BrowserSession forged = logInOnA(http);
            var withoutCsrf = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments/" + id + "/resume"))
                    .header("Cookie", forged.cookie()).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(withoutCsrf.statusCode()).as(withoutCsrf.body()).isEqualTo(403);
            assertThat(withoutCsrf.body()).contains("X-Tunelab-CSRF");

            // A body over the limit, its session first seen here: refused 413 without reading it, the connection still answers.
            BrowserSession large = logInOnA(http);
            var tooLarge = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments")).timeout(java.time.Duration.ofSeconds(30))
                    .header("Cookie", large.cookie()).header("X-Tunelab-CSRF", large.csrf()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + "x".repeat(8 * 1024 * 1024) + "\"}")));
            assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);

            // Unknown cookies, each read from the database and refused; the known session still answers after them.
            for (int i = 0; i < 50; i++) {
                var refused = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments/" + id + "/resume"))
                        .header("Cookie", "tunelab_session=guess" + i).header("X-Tunelab-CSRF", "x").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).contains("UNAUTHENTICATED").contains("session ended");
            }
            assertThat(toA.describe("browser").state()).isEqualTo(io.tunelab.api.ExperimentState.PAUSED);
            assertThat(send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments")).header("Cookie", reading.cookie()))
                    .statusCode()).isEqualTo(200);
        }
    }

    /** Coordinator B's gauge of the browser sessions it is reading from the database now. */
    private int sessionReadsOnB(HttpClient http) throws Exception {
        String metrics = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/metrics")).header("Authorization", "Bearer " + admin)).body();
        return metrics.lines().filter(l -> l.startsWith("tunelab_sessions_reading ")).findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).orElseThrow();
    }

    @Test
    void sessionReadsFromTheDatabaseAreBoundedARequestBeyondThemIsRefusedAndOneSessionsRequestsShareTheirRead() throws Exception {
        long id = toA.launch(spec("flood")).info().id();
        toA.pause("flood");
        var waiting = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             var lock = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password())) {
            // Every session read waits while another connection holds the sessions' table.
            lock.setAutoCommit(false);
            try (var statement = lock.createStatement()) {
                statement.execute("LOCK TABLE browser_session IN ACCESS EXCLUSIVE MODE");
            }
            // 10 requests of one unknown session and 63 of others: 64 sessions read, as many as are read at once.
            for (int i = 0; i < 73; i++) {
                String cookie = "tunelab_session=" + (i < 10 ? "same" : "guess" + i);
                waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments")).header("Cookie", cookie)
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (sessionReadsOnB(http) < 64 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sessionReadsOnB(http)).isEqualTo(64);

            // One more session is refused at once, saying why and what to do; a body sent with it is left unread.
            var refused = send(http, HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments/" + id + "/resume"))
                    .timeout(java.time.Duration.ofSeconds(20)).header("Cookie", "tunelab_session=one-more").header("X-Tunelab-CSRF", "x").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("UNAVAILABLE").contains("reading 64 browser sessions").contains("Authorization: Bearer");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            // A request of a session already being read joins that read; a token needs no read at all.
            waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(b.origin() + "/api/experiments")).header("Cookie", "tunelab_session=same")
                    .build(), HttpResponse.BodyHandlers.ofString()));
            assertThat(toB.describe("flood").state()).isEqualTo(io.tunelab.api.ExperimentState.PAUSED);
            assertThat(waiting).as("all wait for the database").noneMatch(java.util.concurrent.CompletableFuture::isDone);

            lock.rollback();
            for (var answer : waiting) {
                HttpResponse<String> r = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            }
            assertThat(sessionReadsOnB(http)).isZero();
            assertThat(toA.describe("flood").state()).as("the refused resume changed nothing").isEqualTo(io.tunelab.api.ExperimentState.PAUSED);
        }
    }
}
