package io.tunelab.server.http;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.Lease;
import io.tunelab.api.RequestId;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker's lease under a request id, over real HTTP: sent again under the same id (its reply
 * was lost), it answers the lease the first attempt got, though no other work is due by then and
 * across a restart, and leases nothing more; the same id from another token or with another body
 * is refused with 400, shows nothing of the first lease and leases nothing; a malformed id is
 * refused before anything is leased; a lease request that found no work stored nothing, so its
 * id leases once work comes; a finalization's lease is answered again as a trial's is. A lease
 * whose worker went away while it waited is kept for its retry, for a short grace and not the whole
 * lease when no retry comes, and whole when one does.
 */
class LeaseRequestIdTest {
    private static final String LEASE = "{\"worker\": \"box:1\", \"runners\": [\"dl4j\"], \"waitSeconds\": 0}";
    private static final String WAITING = "{\"worker\": \"box:1\", \"runners\": [\"dl4j\"], \"waitSeconds\": 20}";

    @RegisterExtension
    final TestServer server = new TestServer();

    private HttpResponse<String> lease(String body, String requestId) throws Exception {
        return server.call("POST", "/api/leases", body, requestId == null ? Map.of() : Map.of(RequestId.HEADER, requestId)).response();
    }

    private void launch(int trials) {
        server.client().launch(ExperimentSpec.builder("leased").maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                .trials(trials).task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
    }

    /** The lease a 200 reply carries. */
    private static Lease leased(HttpResponse<String> reply) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        return Json.read(reply.body(), Lease.class);
    }

    private int trialCount() {
        return server.client().trials("leased").size();
    }

    @Test
    void aLeaseSentAgainUnderItsIdAnswersTheSameLeaseEvenWithNoWorkLeftAndAfterARestart() throws Exception {
        launch(1);
        var first = lease(LEASE, "lease-1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Map<?, ?> leased = Json.read(first.body(), Map.class);
        assertThat((String) leased.get("leaseId")).isNotBlank();

        var again = lease(LEASE, "lease-1");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.read(again.body(), Map.class)).isEqualTo(leased);
        assertThat(lease(LEASE, "lease-2").statusCode()).as("the budget's one trial is leased: no work for another request")
                .isEqualTo(204);

        server.restart();
        var afterRestart = lease(LEASE, "lease-1");
        assertThat(afterRestart.statusCode()).isEqualTo(200);
        assertThat(Json.read(afterRestart.body(), Map.class)).isEqualTo(leased);
        assertThat(trialCount()).isEqualTo(1);

        // The answered lease holds: its id heartbeats and tells.
        long trial = ((Number) ((Map<?, ?>) leased.get("trial")).get("id")).longValue();
        String leaseId = (String) leased.get("leaseId");
        assertThat(server.client().heartbeat(trial, leaseId).leaseId()).isEqualTo(leaseId);
        server.client().result(trial, new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, leaseId, null));
        assertThat(server.client().trial(trial).state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void anIdFromAnotherTokenOrWithAnotherBodyIsRefusedAndLeasesNothing() throws Exception {
        launch(5);
        var first = lease(LEASE, "lease-t");
        String leaseId = (String) Json.read(first.body(), Map.class).get("leaseId");
        String other = "Bearer " + server.client().createToken("box2", List.of("worker")).secret();

        var byOther = server.call("POST", "/api/leases", LEASE, Map.of(RequestId.HEADER, "lease-t", "Authorization", other)).response();
        RequestIdApiTest.assertReused(byOther, "by another token");
        assertThat(byOther.body()).doesNotContain(leaseId);
        RequestIdApiTest.assertReused(lease(LEASE.replace("box:1", "box:2"), "lease-t"), "with another body");
        assertThat(trialCount()).as("nothing more was leased").isEqualTo(1);

        assertThat(Json.read(lease(LEASE, "lease-t").body(), Map.class).get("leaseId")).isEqualTo(leaseId);
    }

    @Test
    void aMalformedIdIsRefusedBeforeAnythingIsLeased() throws Exception {
        launch(5);
        RequestIdApiTest.assertMalformedIdsRefused(bad -> lease(LEASE, bad));
        assertThat(trialCount()).isZero();
    }

    @Test
    void aLeaseRequestThatFoundNoWorkStoredNothingAndItsIdLeasesOnceWorkComes() throws Exception {
        assertThat(lease(LEASE, "lease-w").statusCode()).isEqualTo(204);
        launch(5);
        var r = lease(LEASE, "lease-w");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(trialCount()).isEqualTo(1);
    }

    @Test
    void aFinalizationsLeaseIsAnsweredAgainUnderItsId() throws Exception {
        launch(20);
        TrialProposal p = server.client().ask("leased");
        server.client().result(p.id(), TrialResult.complete(Map.of("accuracy", 0.9)));
        server.client().finalizeWinner("leased");
        server.client().pause("leased"); // no trial to lease: the lease is the finalization's

        var first = lease(LEASE, "lease-f");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Map<?, ?> leased = Json.read(first.body(), Map.class);
        assertThat(leased.get("finalization")).isNotNull();
        server.restart();
        assertThat(Json.read(lease(LEASE, "lease-f").body(), Map.class)).isEqualTo(leased);
        assertThat(server.client().finalization("leased").state()).isEqualTo(TrialState.RUNNING);
        assertThat(lease(LEASE, "lease-g").statusCode()).as("the finalization is leased once").isEqualTo(204);
    }
    /**
     * A worker that long-polls under {@code requestId} and gives up before any work is due (its
     * connection closes); then {@code trials} are launched, the server's long poll leases the
     * first to it and finds it gone. Returns once that trial exists and the server had time to
     * act on the worker's absence.
     */
    private void leasedToAWorkerThatWentAway(String requestId, int trials) throws Exception {
        wentAwayWhileWaiting(requestId);
        launch(trials); // the server's long poll now leases a trial and finds the worker gone
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (trialCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // time for a release, were one made
    }

    /** A worker that long-polls under {@code requestId} and gives up after 1 s: its connection closes, the server's poll goes on. */
    private void wentAwayWhileWaiting(String requestId) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/leases"))
                    .header("Authorization", "Bearer " + server.adminToken()).header("Content-Type", "application/json")
                    .header(RequestId.HEADER, requestId).timeout(java.time.Duration.ofSeconds(1))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(WAITING)).build();
            // The worker gives up on its long poll before any work is due: its connection closes.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.net.http.HttpTimeoutException.class);
        }
    }

    @Test
    void aLeaseWhoseWorkerWentAwayWhileItWaitedIsKeptForItsRetryUnderTheSameId() throws Exception {
        leasedToAWorkerThatWentAway("lease-gone", 5);

        var retried = lease(WAITING, "lease-gone");
        Lease leased = leased(retried);
        long trial = leased.trial().id();
        String leaseId = leased.leaseId();
        assertThat(server.client().heartbeat(trial, leaseId).leaseId()).as("the lease was not given back").isEqualTo(leaseId);
        assertThat(trialCount()).isEqualTo(1);
    }

    @Test
    void aLeaseKeptForAWorkerThatNeverCameBackGoesToTheNextWorkerAfterAShortGraceNotTheWholeLease() throws Exception {
        leasedToAWorkerThatWentAway("lease-never", 1);
        assertThat(lease(LEASE, "lease-other").statusCode()).as("kept for its retry at first: the one trial is leased")
                .isEqualTo(204);

        // The lease lasts 60 s; the next worker's 20 s long poll gets the trial once the grace (6 s) is over.
        Lease next = leased(lease(WAITING, "lease-next"));
        assertThat(trialCount()).as("the same trial, not a new one").isEqualTo(1);
        assertThat(next.trial().id()).isEqualTo(server.client().trials("leased").get(0).id());

        // A retry after the grace is answered its first lease, as after an expiry.
        Lease late = leased(lease(WAITING, "lease-never"));
        assertThat(late.leaseId()).isNotEqualTo(next.leaseId());
        assertThat(server.call("POST", "/api/trials/" + next.trial().id() + "/heartbeat",
                "{\"leaseId\": \"" + late.leaseId() + "\"}").response().statusCode())
                .as("the lease it answers is over: its heartbeat is refused, and the trial stays the next worker's").isEqualTo(409);
    }

    @Test
    void aRetrySentWhileTheFirstAttemptStillWaitedKeepsTheLeaseWhole() throws Exception {
        wentAwayWhileWaiting("lease-both");
        // The worker sends its request again at once; on the server it waits for the first attempt's long poll.
        var retry = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return lease(WAITING, "lease-both");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        launch(1);
        var retried = retry.get(30, java.util.concurrent.TimeUnit.SECONDS);
        Lease leased = leased(retried);
        long trial = leased.trial().id();
        String leaseId = leased.leaseId();

        Thread.sleep(7_500); // past the grace (6 s), which must not apply: the retry was answered
        assertThat(lease(LEASE, "lease-other").statusCode()).as("still the retried worker's").isEqualTo(204);
        assertThat(server.client().heartbeat(trial, leaseId).leaseId()).isEqualTo(leaseId);
    }

    @Test
    void theRetryOfAWorkerThatWentAwayGetsItsLeaseBackWholeNotJustTheGrace() throws Exception {
        leasedToAWorkerThatWentAway("lease-back", 1);
        var retried = lease(WAITING, "lease-back");
        Lease leased = leased(retried);
        long trial = leased.trial().id();
        String leaseId = leased.leaseId();

        // A worker heartbeats a third into its lease (20 s); the grace (6 s) is over well before.
        Thread.sleep(7_500);
        assertThat(lease(LEASE, "lease-other").statusCode()).as("still the retried worker's").isEqualTo(204);
        assertThat(server.client().heartbeat(trial, leaseId).leaseId()).isEqualTo(leaseId);
        server.client().result(trial, new TrialResult(TrialState.COMPLETE, Map.of("accuracy", 0.9), null, null, leaseId, null));
        assertThat(server.client().trial(trial).state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void aLeaseSentTwiceAtOnceUnderOneIdAnswersTheSameLeaseBothTimesWhenItTakesTheLastWork() throws Exception {
        for (int round = 0; round < 20; round++) {
            server.client().launch(ExperimentSpec.builder("once-" + round).maximize("accuracy").param("lr", FloatParam.log(1e-4, 1e-1))
                    .trials(1).task(Map.of("dataset", Map.of("name", "iris", "test", 0.2))).build());
            String id = "twice-" + round;
            var start = new java.util.concurrent.CountDownLatch(1);
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var one = threads.submit(() -> {
                    start.await();
                    return lease(LEASE, id);
                });
                var other = threads.submit(() -> {
                    start.await();
                    return lease(LEASE, id);
                });
                start.countDown();
                HttpResponse<String> a = one.get();
                HttpResponse<String> b = other.get();
                assertThat(List.of(a.statusCode(), b.statusCode())).as("round %d: %s / %s", round, a.body(), b.body())
                        .containsExactly(200, 200);
                assertThat(Json.read(a.body(), Map.class)).isEqualTo(Json.read(b.body(), Map.class));
            }
        }
    }
}
