package io.tunelab.worker.runner;

import io.tunelab.worker.data.DatasetSource;
import io.tunelab.worker.data.Encoding;
import io.tunelab.worker.data.RawTable;
import io.tunelab.worker.data.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunnersTest {
    @TempDir
    Path dir;

    @Test
    void theBuiltInRunnersAreFoundOnTheClassPath() {
        var runners = Runners.load(List.of());

        assertThat(runners.names()).containsExactly("dl4j", "tribuo");
        assertThat(runners.get("dl4j").name()).isEqualTo("dl4j");
        assertThat(runners.get("xgboost")).isNull();
    }

    @Test
    void aRunnerJarAddsItsRunnersAfterTheBuiltInOnes() {
        var runners = Runners.load(List.of(ExampleRunnerJar.build(dir, true)));

        assertThat(runners.names()).containsExactly("dl4j", "tribuo", "majority");
        var task = runners.get("majority").validate(Map.of("runner", "majority", "dataset", Map.of("name", "iris")), Map.of());
        assertThat(task.metric()).isEqualTo("accuracy");
        assertThat(task.dataset().source()).isEqualTo(new DatasetSource.Bundled("iris"));
        RawTable iris = new DatasetSource.Bundled("iris").read();
        var data = Encoding.fit(iris, "target", TaskType.CLASSIFICATION).encode(iris);
        assertThat(task.reportedMetrics(data)).containsExactly("accuracy");
        assertThatThrownBy(() -> runners.get("majority").validate(Map.of("dataset", Map.of("name", "iris"), "model", Map.of()),
                Map.of())).hasMessageContaining("model: unknown field");
    }

    @Test
    void aMissingFileIsRefusedNamingIt() {
        assertThatThrownBy(() -> Runners.load(List.of(dir.resolve("nope.jar")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--runner-jar").hasMessageContaining("nope.jar: no such file");
    }

    @Test
    void aFileThatIsNoJarIsRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("runner.jar"), "not a zip");

        assertThatThrownBy(() -> Runners.load(List.of(text))).hasMessageContaining("runner.jar is not a jar file");
    }

    @Test
    void aJarWithoutARunnerIsRefused() {
        Path jar = ExampleRunnerJar.build(dir, false);

        assertThatThrownBy(() -> Runners.load(List.of(jar))).hasMessageContaining("no-service.jar holds no runner")
                .hasMessageContaining("META-INF/services/io.tunelab.worker.runner.Runner");
    }

    @Test
    void aServiceEntryNamingAMissingClassIsRefused() throws IOException {
        Path jar = dir.resolve("broken.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/" + Runner.class.getName()));
            out.write("org.example.Missing\n".getBytes());
        }

        assertThatThrownBy(() -> Runners.load(List.of(jar))).hasMessageContaining("broken.jar: a runner cannot be loaded")
                .hasMessageContaining("org.example.Missing");
    }

    @Test
    void aRunnerNamedLikeOneTheWorkerHasIsRefused() {
        Path jar = ExampleRunnerJar.build(dir, true);

        assertThatThrownBy(() -> Runners.load(List.of(jar, jar))).hasMessageContaining("runner \"majority\"")
                .hasMessageContaining("names must differ");
    }
}
