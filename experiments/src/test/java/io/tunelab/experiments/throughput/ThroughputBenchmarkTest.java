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
    void aRepeatBelowOneIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--repeat", "0", "--optuna-runs", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--repeat must be at least 1 (whole runs, each with its own Optuna runs and a fresh server), got 0");
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--repeat", "-3", "--optuna-runs", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -3");
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--repeat", "five"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--repeat takes a whole number, got \"five\"");
    }

    @Test
    void anOptionWithoutItsValueIsRefusedNamingIt() {
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--optuna-runs", "0", "--repeat"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--repeat needs a value after it");
        assertThatThrownBy(() -> ThroughputBenchmark.main(new String[] {"--server-jvm"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--server-jvm needs a value after it");
    }

    @Test
    void theSummaryGivesEachRepetitionsRatioTheirMedianAndHowManyMetTheTarget() {
        // Optuna 400/s in each: tell with next at 10,400 / 9,600 (26× / 24×), 12,000 / 11,200 (30× / 28×), 8,000 / 10,800 (20× / 27×).
        var next = List.of(new ThroughputBenchmark.Figures("tell with next", 25, 10_400, 9_600, 1.5, 110, 45),
                new ThroughputBenchmark.Figures("tell with next", 25, 12_000, 11_200, 0.5, 90, 40),
                new ThroughputBenchmark.Figures("tell with next", 25, 8_000, 10_800, 2.5, 130, 50));
        var repetitions = next.stream().map(f -> new ThroughputBenchmark.Repetition(400, List.of(f), 25_000)).toList();

        String summary = ThroughputBenchmark.summary(repetitions, 10_000);

        assertThat(summary).startsWith("Over 3 repetitions, each a whole run")
                .contains("| Optuna 3.1 journal file, trials/s (median of its runs in each repetition) |  | 400 400 400 | 400 |  |")
                .contains("| tell with next, 1 – 1,000: × Optuna's journal | ≥ 25× | 26.0× 30.0× 20.0× | 26.0× | 2 of 3 |")
                .contains("| tell with next, 9,001 – 10,000: × Optuna's journal | ≥ 25× | 24.0× 28.0× 27.0× | 27.0× | 2 of 3 |")
                .contains("| tell with next, both windows | ≥ 25× | | | 1 of 3 |")
                .contains("| tell with next: p99 at 10,000 trials ÷ p99 at 1,000 | ≤ 2× | 1.50× 0.50× 2.50× | 1.50× | 2 of 3 |")
                .contains("| tell with next: server's CPU µs per trial apart from JIT |  | 110 90 130 | 110 |  |")
                .contains("| HTTP floor: GET /api/session, no work (requests/s) |  | 25000 25000 25000 | 25000 |  |");
    }

    @Test
    void withoutOptunaTheSummaryHasNoRatiosAndWithoutTheServersCpuNoCpuRow() {
        var repetitions = List.of(new ThroughputBenchmark.Repetition(Double.NaN,
                List.of(new ThroughputBenchmark.Figures("classic", 10, 5_000, 6_000, 1.0, Double.NaN, 80)), 20_000));

        String summary = ThroughputBenchmark.summary(repetitions, 10_000);

        assertThat(summary).doesNotContain("Optuna 3.1").doesNotContain("× Optuna").doesNotContain("server's CPU")
                .contains("| classic, 1 – 1,000: round trips/s |  | 5000 | 5000 |  |");
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
