package io.tunelab.server.http;

import io.tunelab.api.Artifact;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Artifacts;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.server.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an SDK user's {@code optimize()} records on a real server: artifacts attached under the
 * trial's lease, repetitions with their statistics, tags and notes, and the provenance the SDK
 * captures (JVM, OS, host, class path, git) beside them.
 */
class SdkTrackingTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final TestServer server = new TestServer();
    TunelabClient client;
    ExperimentHandle experiment;

    @BeforeEach
    void start() {
        client = server.client();
        experiment = client.launch(ExperimentSpec.builder("sdk").minimize("loss").param("x", FloatParam.of(0, 1)).trials(2).build());
    }

    @Test
    void optimizeToldRepetitionsTagsNotesArtifactsAndProvenance() throws Exception {
        Path plot = dir.resolve("plot.svg");
        Files.writeString(plot, "<svg/>");
        int finished = experiment.optimize(trial -> {
            double x = trial.floatParam("x");
            trial.repetition(0, Map.of("loss", x + 0.1, "accuracy", 0.8));
            trial.repetition(1, 42L, Map.of("loss", x + 0.3, "accuracy", 0.9));
            trial.tag("model", "ridge");
            trial.note("first pass");
            trial.artifact("plot.svg", plot);
            trial.artifact("weights.bin", new byte[]{1, 2, 3});
            return 99.0; // not used: the repetitions' mean is the value
        }, 2, 1);
        assertThat(finished).isEqualTo(2);
        for (Trial t : experiment.trials()) {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            double x = ((Number) t.params().get("x")).doubleValue();
            assertThat(t.repetitions()).hasSize(2);
            assertThat(t.value("loss")).isCloseTo(x + 0.2, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(t.statistics().get("loss").n()).isEqualTo(2);
            assertThat(t.statistics()).containsKey("accuracy");
            Map<String, Object> p = t.provenance();
            assertThat(p).containsEntry("tags", Map.of("model", "ridge")).containsEntry("notes", List.of("first pass"));
            assertThat(p).containsEntry("runner", "sdk").containsKeys("host", "java_version", "os", "jvm", "class_path",
                    "tunelab_sdk_version");
            assertThat((List<?>) p.get("class_path")).isNotEmpty();
            assertThat(Artifacts.of(client).list(t.id())).extracting(Artifact::name).containsExactly("plot.svg", "weights.bin");
            assertThat(new String(Artifacts.of(client).download(t.id(), "plot.svg"), StandardCharsets.UTF_8)).isEqualTo("<svg/>");
        }
    }

    @Test
    void aTrialWithoutRepetitionsIsToldTheFunctionsValue() {
        experiment.optimize(trial -> 0.25, 1, 1);
        Trial t = experiment.trials().getFirst();
        assertThat(t.value("loss")).isEqualTo(0.25);
        assertThat(t.repetitions()).isEmpty();
        assertThat(t.provenance()).containsEntry("runner", "sdk").doesNotContainKeys("tags", "notes");
    }

    @Test
    void misuseInsideTheFunctionIsRefusedWithWhatIsRight() {
        // Each refusal ends optimize() and leaves its trial to its lease: the budget allows one per case.
        ExperimentHandle experiment = client.launch(ExperimentSpec.builder("misuse").minimize("loss").param("x", FloatParam.of(0, 1))
                .trials(5).build());
        assertThatThrownBy(() -> experiment.optimize(trial -> {
            trial.repetition(0, Map.of("loss", 0.1));
            trial.repetition(0, Map.of("loss", 0.2));
            return 0.1;
        }, 1, 1)).isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("number each repetition once");
        assertThatThrownBy(() -> experiment.optimize(trial -> {
            trial.artifact("../escape", new byte[]{1});
            return 0.1;
        }, 1, 1)).isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("plain file name");
        assertThatThrownBy(() -> experiment.optimize(trial -> {
            trial.tag("", "v");
            return 0.1;
        }, 1, 1)).isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("a tag needs a key");
    }
}
