package io.tunelab.experiments.chaos;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TrialState;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop that is cut short loses nothing: a real server is told to stop (SIGTERM) after each
 * round of trials and killed with SIGKILL at a moment spread over its stop (its last commit,
 * closing the database, compacting or rewriting the file); the next start on the same files
 * finds every acknowledged trial and no leftover of a rewrite. The rewrite itself is killed at
 * every moment in the server's {@code H2CompactionKillTest}.
 */
@Tag("slow")
class StopThenKillTest {
    private static final int ROUNDS = 6;
    private static final int TRIALS_PER_ROUND = 1_000;
    /** The kill of round k comes this many milliseconds times k after the SIGTERM. */
    private static final long KILL_STEP_MS = 250;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedTrialSurvivesStopsKilledAtMomentsSpreadOverThem() throws Exception {
        Path data = dir.resolve("data");
        Path databaseFile = data.resolve("tunelab.mv.db");
        int told = 0;
        int cutShort = 0;
        for (int round = 0; round < ROUNDS; round++) {
            var server = TunelabProcesses.startServer(data);
            try (TunelabClient client = server.client()) {
                assertThat(stored(client)).as("complete trials found at start %d", round).isEqualTo(told);
                assertThat(data.resolve("tunelab.mv.db.compacting")).doesNotExist();
                ExperimentHandle exp = round == 0 ? client.launch(spec()) : client.experiment("stop-kill");
                told += tell(exp, TRIALS_PER_ROUND);
            }
            long before = Files.size(databaseFile);
            server.process().destroy();
            // Spread over the stop: the HTTP servers closing, the last commit, the file's check and rewrite.
            Thread.sleep(round * KILL_STEP_MS);
            if (server.process().isAlive()) {
                cutShort++;
            }
            server.kill();
            assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            System.out.printf("round %d: %,d trials told, file %,d bytes before the stop, %,d after; killed after %d ms%n",
                    round, told, before, Files.size(databaseFile), round * KILL_STEP_MS);
        }
        // Last, a stop left to finish: it ends by itself, and the start after it finds everything too.
        var server = TunelabProcesses.startServer(data);
        try (TunelabClient client = server.client()) {
            assertThat(stored(client)).as("complete trials after the last kill").isEqualTo(told);
        }
        server.process().destroy();
        assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("a stop not cut short ends by itself").isTrue();
        try (var again = TunelabProcesses.startServer(data); TunelabClient client = again.client()) {
            assertThat(stored(client)).as("complete trials after a clean stop").isEqualTo(told);
        }
        System.out.printf("%d stops killed, %d of them while still stopping%n", ROUNDS, cutShort);
        assertThat(cutShort).as("stops the kill cut short (the first is killed at once)").isPositive();
    }

    private static ExperimentSpec spec() {
        return ExperimentSpec.builder("stop-kill").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(StrategySpec.of("random", 5)).trials(1_000_000).build();
    }

    /** Tells {@code n} trials, each tell bringing the next; answers how many were acknowledged. */
    private static int tell(ExperimentHandle exp, int n) {
        TrialProposal p = exp.ask();
        for (int i = 1; i < n; i++) {
            p = exp.tellThenAsk(p.id(), TrialResult.complete(Map.of("loss", x(p)))).next();
        }
        exp.tell(p.id(), TrialResult.complete(Map.of("loss", x(p))));
        return n;
    }

    private static double x(TrialProposal p) {
        return ((Number) p.params().get("x")).doubleValue();
    }

    private static long stored(TunelabClient client) {
        if (client.experiments().isEmpty()) {
            return 0;
        }
        return client.trials("stop-kill").stream().filter(t -> t.state() == TrialState.COMPLETE).count();
    }
}
