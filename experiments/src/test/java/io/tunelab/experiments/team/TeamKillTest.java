package io.tunelab.experiments.team;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.ThrowawayPostgres;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A team's set-up end to end, with real processes: a throwaway PostgreSQL, two coordinator
 * processes on it, three workers (leasing trials through the SDK and evaluating a cheap function)
 * and an SDK client asking and telling, each given both coordinators' URLs. One coordinator is
 * killed with SIGKILL mid-sweep and restarted on its port: every acknowledged result is stored
 * once with the values told, no trial number repeats, and the sweep completes.
 */
@Tag("slow")
class TeamKillTest {
    private static final int TRIALS = 240;

    @TempDir
    Path dir;

    @Test
    void aCoordinatorKilledMidSweepLosesNothingAndTheSweepCompletes() throws Exception {
        try (var pg = ThrowawayPostgres.start(false)) {
            String db = pg.createDatabase("team");
            String[] dbArgs = {"--db", db, "--db-user", ThrowawayPostgres.USER, "--lease-seconds", "5"};
            var a = TunelabProcesses.startServer(dir.resolve("a"), dbArgs);
            var b = TunelabProcesses.startServer(dir.resolve("b"), dbArgs);
            String token = a.adminToken();
            int portA = URI.create(a.url()).getPort();
            try (var admin = TunelabClient.connect(a.url(), token)) {
                admin.launch(ExperimentSpec.builder("team").minimize("loss").param("x", FloatParam.of(0, 1))
                        .param("y", FloatParam.of(-1, 1)).strategy("random").seed(5L).trials(TRIALS).build());
            }
            Map<Long, Double> acknowledged = new ConcurrentHashMap<>();
            var failures = new ConcurrentHashMap<String, Integer>();
            var told = new AtomicInteger();
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < 4; i++) {
                boolean worker = i < 3; // three workers under leases, one SDK client
                String urls = i % 2 == 0 ? a.url() + "," + b.url() : b.url() + "," + a.url();
                threads.add(Thread.ofPlatform().start(() -> drive(urls, token, worker, acknowledged, told, failures)));
            }
            while (told.get() < TRIALS / 3) {
                Thread.sleep(20);
            }
            a.kill();
            int atKill = told.get();
            Thread.sleep(1_000);
            var restarted = TunelabProcesses.startServer(dir.resolve("a"), portA, dbArgs);
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(5).toMillis());
            }
            try (var client = TunelabClient.connect(restarted.url() + "," + b.url(), token)) {
                List<Trial> trials = client.trials("team");
                assertThat(told.get()).as("tells acknowledged after the kill").isGreaterThan(atKill);
                assertThat(trials).extracting(Trial::number).doesNotHaveDuplicates();
                assertThat(trials).extracting(Trial::id).doesNotHaveDuplicates();
                assertThat(trials).as("failed requests: %s", failures).hasSize(TRIALS);
                for (var e : acknowledged.entrySet()) {
                    assertThat(trials).filteredOn(t -> t.id() == e.getKey()).singleElement()
                            .satisfies(t -> assertThat(t.values()).containsEntry("loss", e.getValue()));
                }
                assertThat(client.describe("team").state()).isEqualTo(ExperimentState.COMPLETED);
                assertThat(trials).allMatch(t -> t.state() == TrialState.COMPLETE);
            } finally {
                restarted.close();
                b.close();
            }
        }
    }

    /** Asks (under a lease for a worker), evaluates and tells until the budget is spent; records what was acknowledged. */
    private static void drive(String urls, String token, boolean worker, Map<Long, Double> acknowledged, AtomicInteger told,
                              Map<String, Integer> failures) {
        try (var client = TunelabClient.connect(urls, token)) {
            while (true) {
                TrialProposal p;
                try {
                    p = worker ? client.askLeased("team") : client.ask("team");
                } catch (TunelabException.Unavailable e) {
                    pause();
                    continue;
                } catch (TunelabException e) {
                    // The budget is asked out: done once every trial is told (a trial whose tell
                    // was lost waits for the next ask when its lease expires).
                    if (client.describe("team").state() == ExperimentState.COMPLETED) {
                        return;
                    }
                    pause();
                    continue;
                }
                double x = ((Number) p.params().get("x")).doubleValue();
                double y = ((Number) p.params().get("y")).doubleValue();
                double loss = (x - 0.3) * (x - 0.3) + y * y;
                try {
                    client.result(p.id(), new TrialResult(TrialState.COMPLETE, Map.of("loss", loss), null, null, p.leaseId(), null));
                    acknowledged.put(p.id(), loss);
                    told.incrementAndGet();
                } catch (TunelabException e) {
                    // Not acknowledged: the trial's lease expires and the trial goes to the next ask.
                    failures.merge(e.code().name() + ": " + e.getMessage(), 1, Integer::sum);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
