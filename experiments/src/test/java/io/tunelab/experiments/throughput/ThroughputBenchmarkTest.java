package io.tunelab.experiments.throughput;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up's experiments, and the arguments refused before anything runs. */
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
}
