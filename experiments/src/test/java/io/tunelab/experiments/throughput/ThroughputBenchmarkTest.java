package io.tunelab.experiments.throughput;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up's experiments, the arguments refused before anything runs, and what the header says of the server's class archive. */
class ThroughputBenchmarkTest {
    @Test
    void aWarmUpRunsAsExperimentsOfAtMostTheGivenSizeOrAsOneWithZero() {
        assertThat(ThroughputBenchmark.experimentSizes(3000, 1000)).containsExactly(1000, 1000, 1000);
        assertThat(ThroughputBenchmark.experimentSizes(2500, 1000)).containsExactly(1000, 1000, 500);
        assertThat(ThroughputBenchmark.experimentSizes(300, 1000)).containsExactly(300);
        assertThat(ThroughputBenchmark.experimentSizes(30_000, 0)).containsExactly(30_000);
        assertThat(ThroughputBenchmark.experimentSizes(30_000, ThroughputBenchmark.WARMUP_EXPERIMENT)).hasSize(30);
    }

    @Test
    void aWarmUpExperimentOfFewerThan100TrialsIsRefusedNamingWhatIsAccepted() {
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--warmup-experiment", "50", "--optuna-runs", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--warmup-experiment must be 0 (each part of the warm-up one experiment) or at least 100 trials per "
                        + "warm-up experiment, got 50");
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--warmup-experiment", "-1000", "--optuna-runs", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1000");
    }

    @Test
    void theHeaderSaysWhatTheServerDoesWithItsClassArchive(@TempDir Path dir) throws Exception {
        Path archive = Files.createFile(dir.resolve("tunelab-server-0123.jsa"));

        assertThat(ThroughputBenchmark.classArchive(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive, "-jar", "x.jar")))
                .isEqualTo("maps the class archive tunelab-server-0123.jsa");
        assertThat(ThroughputBenchmark.classArchive(List.of("-XX:SharedArchiveFile=" + dir.resolve("gone.jsa"))))
                .isEqualTo("names the class archive gone.jsa, which is not there: it runs without one");
        assertThat(ThroughputBenchmark.classArchive(List.of("-XX:ArchiveClassesAtExit=" + dir.resolve("part"), "-jar", "x.jar")))
                .isEqualTo("has no class archive yet: it runs without one and writes one as it exits");
        assertThat(ThroughputBenchmark.classArchive(List.of("-Xlog:gc", "-jar", "x.jar")))
                .isEqualTo("has no class archive, and its added JVM options keep it from writing one");
        assertThat(ThroughputBenchmark.classArchive(null)).startsWith("class archive: unknown");
    }
}
