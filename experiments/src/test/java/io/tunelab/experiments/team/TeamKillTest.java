package io.tunelab.experiments.team;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.NetworkNamespaces;
import io.tunelab.experiments.support.TunelabProcesses;
import io.tunelab.throwaway.PostgresCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A team's set-up end to end, every part its own process: a throwaway PostgreSQL, two
 * coordinator processes on it, three {@code tunelab worker} processes training on iris, and an
 * SDK client process ({@link SweepClient}) asking and telling a sweep of its own, each given both
 * coordinators' URLs. Where the machine allows (root, {@code ip}, namespaces, veth, bridges), the
 * workers and the client each run in a network namespace of their own and reach the
 * coordinators over a bridge, as other machines would; otherwise on the loopback (the test says
 * why). One coordinator is killed with SIGKILL mid-sweep and restarted on its port: every result
 * the client saw acknowledged is stored once with its value, no trial number repeats, and both
 * sweeps complete.
 */
@Tag("slow")
class TeamKillTest {
    private static final int WORKER_TRIALS = 18;
    private static final int CLIENT_TRIALS = 150;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aCoordinatorKilledMidSweepLosesNothingAndBothSweepsComplete() throws Exception {
        try (var pg = PostgresCluster.start(PostgresCluster.Options.team(false, false)); var network = NetworkNamespaces.orLoopback(4)) {
            System.out.println(network.isolated() ? "TeamKillTest: workers and client in network namespaces, coordinators on "
                    + network.host() : "TeamKillTest: on the loopback: " + network.reason());
            String db = pg.createDatabase("team");
            var dbArgs = new ArrayList<>(List.of("--db", db, "--db-user", PostgresCluster.USER, "--lease-seconds", "5",
                    "--host", network.host()));
            if (network.isolated()) {
                dbArgs.add("--behind-proxy"); // beyond loopback without TLS, on a bridge no other machine reaches
            }
            String[] serverArgs = dbArgs.toArray(String[]::new);
            var a = TunelabProcesses.startServer(dir.resolve("a"), serverArgs);
            var b = TunelabProcesses.startServer(dir.resolve("b"), serverArgs);
            int portA = URI.create(a.url()).getPort();
            String token = a.adminToken() != null ? a.adminToken() : b.adminToken();
            String workerToken;
            try (var admin = TunelabClient.connect(a.url(), token)) {
                admin.launch(ExperimentSpec.builder("team-workers").maximize("accuracy").param("model.units", IntParam.of(4, 16))
                        .param("training.learning_rate", FloatParam.log(1e-3, 1e-1))
                        .strategy(new StrategySpec("random", 3L, Map.of())).budget(new Budget(WORKER_TRIALS, 3, null))
                        .task(Map.of("dataset", Map.of("name", "iris", "validation", Map.of("holdout", 0.3)),
                                "model", Map.of("layers", 1), "training", Map.of("epochs", 3, "batch_size", 16))).build());
                admin.launch(ExperimentSpec.builder("team-sdk").minimize("loss").param("x", FloatParam.of(0, 1))
                        .param("y", FloatParam.of(-1, 1)).strategy("random").seed(5L).trials(CLIENT_TRIALS).build());
                workerToken = admin.createToken("team-workers", List.of("worker")).secret();
            }
            String aFirst = a.url() + "," + b.url();
            String bFirst = b.url() + "," + a.url();
            var workers = new ArrayList<TunelabProcesses.WorkerProcess>();
            Path acknowledged = dir.resolve("acknowledged.txt");
            Process client = null;
            var restarted = a;
            try {
                for (int i = 0; i < 3; i++) {
                    workers.add(TunelabProcesses.startWorker(network.prefix(i), i % 2 == 0 ? aFirst : bFirst, workerToken, 1,
                            dir.resolve("worker-" + i + ".log"), "--lease-wait-seconds", "2"));
                }
                try (var observer = TunelabClient.connect(b.url(), token)) {
                    awaitCompleteTrials(observer, "team-workers", WORKER_TRIALS / 3);
                    // Started once the workers are under way, and 50 ms per evaluation, so that the
                    // kill falls in the middle of both sweeps however fast the coordinators are.
                    client = TunelabProcesses.startMain(network.prefix(3), SweepClient.class,
                            List.of(aFirst, "team-sdk", acknowledged.toString(), "50"), token, dir.resolve("client.log"));
                    awaitCompleteTrials(observer, "team-sdk", CLIENT_TRIALS / 3);
                }
                a.kill();
                int atKill = lines(acknowledged);
                Thread.sleep(1_000);
                restarted = TunelabProcesses.startServer(dir.resolve("a"), portA, serverArgs);

                assertThat(client.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) && client.exitValue() == 0)
                        .as("the client ended with exit 0; its output:%n%s", Files.readString(dir.resolve("client.log"))).isTrue();
                try (var check = TunelabClient.connect(restarted.url() + "," + b.url(), token)) {
                    assertThat(check.experiment("team-workers").awaitCompletion(TIMEOUT).state())
                            .as("worker 0's log:%n%s", Files.readString(dir.resolve("worker-0.log"))).isEqualTo(ExperimentState.COMPLETED);
                    assertThat(lines(acknowledged)).as("tells acknowledged after the kill").isGreaterThan(atKill);
                    assertSweep(check.trials("team-sdk"), CLIENT_TRIALS);
                    Map<Long, Double> told = acknowledged(acknowledged);
                    List<Trial> sdkTrials = check.trials("team-sdk");
                    for (var e : told.entrySet()) {
                        assertThat(sdkTrials).filteredOn(t -> t.id() == e.getKey()).singleElement()
                                .satisfies(t -> assertThat(t.values()).containsEntry("loss", e.getValue()));
                    }
                    List<Trial> workerTrials = check.trials("team-workers");
                    assertSweep(workerTrials, WORKER_TRIALS);
                    assertThat(workerTrials).allSatisfy(t -> assertThat(t.repetitions()).as("trial %d", t.id()).hasSize(1));
                }
            } finally {
                if (client != null) {
                    client.destroyForcibly();
                }
                for (var w : workers) {
                    w.close();
                }
                restarted.close();
                b.close();
            }
        }
    }

    private static void assertSweep(List<Trial> trials, int size) {
        assertThat(trials).hasSize(size).allSatisfy(t -> assertThat(t.state()).as("trial %d: %s", t.id(), t.error())
                .isEqualTo(TrialState.COMPLETE));
        assertThat(trials).extracting(Trial::number).doesNotHaveDuplicates();
        assertThat(trials).extracting(Trial::id).doesNotHaveDuplicates();
    }

    private static void awaitCompleteTrials(TunelabClient client, String experiment, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (client.describe(experiment).summary().trials().getOrDefault(TrialState.COMPLETE, 0) >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(experiment + " did not reach " + count + " complete trials within " + TIMEOUT);
    }

    private static int lines(Path file) throws java.io.IOException {
        return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    /** The client's acknowledged results, by trial id; a trial acknowledged twice fails the test. */
    private static Map<Long, Double> acknowledged(Path file) throws java.io.IOException {
        var out = new HashMap<Long, Double>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                assertThat(out.put(Long.parseLong(parts[0]), Double.parseDouble(parts[1]))).as("trial %s acknowledged twice", parts[0]).isNull();
            }
        }
        return out;
    }
}
