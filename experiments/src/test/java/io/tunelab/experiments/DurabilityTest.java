package io.tunelab.experiments;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is lost: clients ask and tell against a real server process while it is
 * killed with SIGKILL; after a restart on the same H2 files every acknowledged result is there,
 * and the experiment goes on with the same ids and numbering.
 */
@Tag("slow")
class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedResultSurvivesKillDashNineAndTheExperimentGoesOn() throws Exception {
        Path data = dir.resolve("data");
        var acknowledged = new ConcurrentHashMap<Long, Double>();
        var asked = new ConcurrentHashMap<Long, TrialProposal>();
        long experimentId;
        try (var server = TunelabProcesses.startServer(data); TunelabClient client = server.client()) {
            ExperimentHandle exp = client.launch(ExperimentSpec.builder("durable").minimize("loss")
                    .param("x", FloatParam.of(-5, 5)).param("kind", CategoricalParam.of("a", "b"))
                    .strategy(new StrategySpec("random", 3L, Map.of())).budget(new Budget(100_000, null, null)).build());
            experimentId = exp.id();
            var running = new AtomicBoolean(true);
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            TrialProposal t = exp.ask();
                            asked.put(t.id(), t);
                            double loss = Math.pow(((Number) t.params().get("x")).doubleValue(), 2);
                            exp.tell(t.id(), loss);
                            acknowledged.put(t.id(), loss);
                        } catch (TunelabException e) {
                            return; // the server died under us: whatever was not acknowledged may be lost
                        }
                    }
                }));
            }
            while (acknowledged.size() < 300) {
                Thread.sleep(10);
            }
            server.kill();
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);

        try (var server = TunelabProcesses.startServer(data); TunelabClient client = server.client()) {
            ExperimentHandle exp = client.experiment("durable");
            assertThat(exp.id()).isEqualTo(experimentId);
            assertThat(exp.info().state()).isEqualTo(ExperimentState.RUNNING);
            Map<Long, Trial> stored = new java.util.HashMap<>();
            exp.trials().forEach(t -> stored.put(t.id(), t));
            for (var e : acknowledged.entrySet()) {
                Trial t = stored.get(e.getKey());
                assertThat(t).as("acknowledged trial %s", e.getKey()).isNotNull();
                assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(t.value("loss")).isEqualTo(e.getValue());
                assertThat(t.params()).isEqualTo(asked.get(e.getKey()).params());
            }
            // The experiment continues: new trials get the next numbers and new ids.
            List<Integer> numbers = stored.values().stream().map(Trial::number).sorted().toList();
            TrialProposal next = exp.ask();
            assertThat(next.number()).isEqualTo(numbers.getLast() + 1);
            assertThat(stored).doesNotContainKey(next.id());
            exp.tell(next.id(), 1.0);
            assertThat(exp.leaderboard(1)).hasSize(1);
        }
    }
}
