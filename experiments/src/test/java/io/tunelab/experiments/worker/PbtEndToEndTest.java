package io.tunelab.experiments.worker;

import io.tunelab.api.Artifact;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.Specs;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.Artifacts;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.TunelabProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * experiments/sweeps/digits-pbt.yaml served by a real server and a real worker process: every
 * member of every generation completes, leaves a checkpoint artifact, and records a lineage
 * whose schedule grows by one generation along each parent link.
 */
@Tag("slow")
class PbtEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theDigitsPopulationTrainsFourGenerationsFromEachOthersCheckpoints() throws Exception {
        try (var server = TunelabProcesses.startServer(dir.resolve("data"));
             TunelabClient client = server.client();
             var worker = TunelabProcesses.startWorker(server, 2, dir.resolve("worker.log"))) {
            var experiment = client.launch(Specs.load(TunelabProcesses.home().resolve("experiments/sweeps/digits-pbt.yaml")));
            assertThat(experiment.awaitCompletion(Duration.ofMinutes(8)).state())
                    .as("worker log:\n%s", Files.readString(dir.resolve("worker.log"))).isEqualTo(ExperimentState.COMPLETED);

            // One by one: a trial read alone carries its reports.
            List<Trial> trials = experiment.trials().stream().map(t -> client.trial(t.id())).toList();
            assertThat(trials).hasSize(16).allSatisfy(t -> assertThat(t.state()).as(t.error()).isEqualTo(TrialState.COMPLETE));
            var byId = new java.util.HashMap<Long, Trial>();
            trials.forEach(t -> byId.put(t.id(), t));
            for (Trial t : trials) {
                assertThat(Artifacts.of(client).list(t.id())).extracting(Artifact::name).contains("checkpoint.zip");
                var pbt = (Map<String, Object>) t.provenance().get("pbt");
                int generation = ((Number) pbt.get("generation")).intValue();
                assertThat(generation).isEqualTo(t.number() / 4);
                var schedule = (List<Map<String, Object>>) pbt.get("schedule");
                assertThat(t.reports()).isNotEmpty();
                if (pbt.get("parent") == null) {
                    assertThat(schedule).hasSize(1);
                    continue;
                }
                Trial parent = byId.get(((Number) pbt.get("parent")).longValue());
                var parentPbt = (Map<String, Object>) parent.provenance().get("pbt");
                assertThat(((Number) parentPbt.get("generation")).intValue()).isEqualTo(generation - 1);
                assertThat(schedule).hasSize(((List<?>) parentPbt.get("schedule")).size() + 1);
                // Epochs are counted along the lineage: this member's first report comes after its parent's last.
                assertThat(t.reports().getFirst().step()).isEqualTo(parent.reports().getLast().step() + 1);
            }
            assertThat(trials).filteredOn(t -> t.number() >= 4).isNotEmpty()
                    .allSatisfy(t -> assertThat(((Map<String, Object>) t.provenance().get("pbt"))).containsKey("parent"));
        }
    }
}
