package io.tunelab.experiments.quality;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QualityBenchmarkTest {
    @TempDir
    Path out;

    @Test
    @Tag("slow")
    void with_its_own_server_the_benchmark_writes_the_table_and_every_run() throws Exception {
        QualityBenchmark.main(new String[] {"--own-server", "--problems", "branin", "--strategies", "random,sobol",
                "--seeds", "2", "--sets", "reported", "--out", out.toString()});

        String summary = Files.readString(out.resolve("quality_summary.md"));
        assertThat(summary).contains("### open problems, reported seeds 100–101", "over 2 seeds; own server via the SDK", "| problem | trials | random | sobol |")
                .containsPattern("\\| branin \\| 100 \\| [0-9.e+-]+ \\[[0-9.e+-]+, [0-9.e+-]+\\] \\|")
                .contains("then the server's mean propose time");
        assertThat(Files.readAllLines(out.resolve("quality_runs.csv"))).hasSize(1 + 2 * 2)
                .first().isEqualTo("problem,strategy,seed,regret_100,regret_300,ask_ms_median");
    }

    @Test
    void the_old_in_process_flag_is_refused_with_what_to_use_instead() {
        assertThatThrownBy(() -> QualityBenchmark.main(new String[] {"--in-process", "--out", out.toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--own-server");
    }

    @Test
    void without_a_server_the_benchmark_says_how_to_give_one() {
        assertThatThrownBy(() -> QualityBenchmark.main(new String[] {"--out", out.toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--server http://").hasMessageContaining("--own-server");
    }
}
