package io.tunelab.experiments.worker;

import io.tunelab.api.Budget;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.IntParam;
import io.tunelab.api.Racing;
import io.tunelab.api.Repetition;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raced sweep served by a real worker process: each lease names one fold, the worker trains
 * that fold alone and tells it, and the server gathers a trial's folds one lease at a time
 * until it completes or is raced out.
 */
@Tag("slow")
class RacingWorkerEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerRunsOneFoldPerLeaseAndTheServerGathersThemIntoTheRace() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(ExperimentSpec.builder("iris-race").maximize("accuracy")
                    .param("model.units", IntParam.of(2, 24)).strategy(new StrategySpec("random", 3L, Map.of()))
                    .budget(new Budget(3, 2, null)).racing(Racing.of(2, 3))
                    .task(Map.of("dataset", Map.of("name", "iris", "validation", Map.of("folds", 3)),
                            "model", Map.of("layers", 1), "training", Map.of("epochs", 8, "learning_rate", 0.03)))
                    .build());

            assertThat(experiment.awaitCompletion(Duration.ofMinutes(4)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);
            List<Trial> trials = experiment.trials();
            assertThat(trials).hasSize(3).allSatisfy(t -> {
                assertThat(t.state()).isIn(TrialState.COMPLETE, TrialState.RACED_OUT);
                assertThat(t.repetitions()).extracting(Repetition::index)
                        .isEqualTo(IntStream.range(0, t.repetitions().size()).boxed().toList());
                assertThat(t.repetitions().size()).isBetween(2, 3);
                assertThat(t.statistics().get("accuracy").n()).isEqualTo(t.repetitions().size());
            });
            // Fold i has the same seed in every trial: the trials are compared fold by fold.
            var seedOfFold = new HashMap<Integer, Long>();
            for (Trial t : trials) {
                for (Repetition r : t.repetitions()) {
                    assertThat(seedOfFold.computeIfAbsent(r.index(), i -> r.seed())).isEqualTo(r.seed());
                }
            }
            assertThat(trials).anySatisfy(t -> assertThat(t.repetitions()).hasSize(3));
        }
    }
}
