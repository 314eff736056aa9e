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
    void optunas_runs_on_the_same_seeds_stand_beside_tunelabs_with_the_best_of_them() throws Exception {
        Path csv = out.resolve("optuna.csv");
        Files.writeString(csv, """
                function,sampler,seed,regret_100,regret_300,wall_s
                ackley10-shifted,tpe,100,4.0,2.0,1
                ackley10-shifted,cmaes,100,3.0,1.0,1
                ackley10-shifted,cmaes,101,5.0,3.0,1
                """);
        var optuna = RunFiles.read(java.util.List.of(csv));
        var mine = java.util.List.of(new QualityBenchmark.Run("ackley10-shifted", "auto", 100, java.util.Map.of(100, 2.5, 300, 0.5),
                new double[0]));
        String table = QualityBenchmark.table(mine, optuna, java.util.List.of(Problem.named("ackley10-shifted")),
                java.util.List.of("auto"), 1, "test");
        assertThat(table).contains("| problem | trials | auto | optuna tpe | optuna cmaes | best of Optuna |")
                .contains("| ackley10-shifted | 100 | 2.50 [2.50, 2.50] | 4.00 | 4.00 (2 seeds) | 4.00 (tpe) |")
                .contains("| ackley10-shifted | 300 | 0.500 [0.500, 0.500] | 2.00 | 2.00 (2 seeds) | 2.00 (tpe) |");
    }

    @Test
    void from_csv_the_benchmark_runs_nothing_and_tables_the_runs_of_earlier_invocations() throws Exception {
        Path mine = out.resolve("mine.csv");
        Files.writeString(mine, """
                problem,strategy,seed,regret_100,regret_300,ask_ms_median
                mixed7,auto,0,0.5,,1.0
                mixed7,auto,1,0.7,,1.0
                mixed7,auto,100,0.2,,1.0
                """);
        QualityBenchmark.main(new String[] {"--from-csv", mine.toString(), "--problems", "mixed7", "--seeds", "2", "--out", out.toString()});
        String summary = Files.readString(out.resolve("quality_summary.md"));
        assertThat(summary).contains("### open problems, tuning seeds 0–1", "### open problems, reported seeds 100–101")
                .contains("| mixed7 | 100 | 0.600 [0.550, 0.650] |", "| mixed7 | 100 | 0.200 [0.200, 0.200] |");
    }

    @Test
    void a_direct_run_shows_the_strategy_each_trials_number_the_seed_and_the_history_with_every_earlier_value() {
        var direct = DirectRuns.load("io.tunelab.experiments.quality.fake.");
        io.tunelab.experiments.quality.fake.Strategies.SHOWN.clear();
        var run = QualityBenchmark.run(direct::launch, Problem.named("branin"), "anything", 7);

        var shown = io.tunelab.experiments.quality.fake.Strategies.SHOWN;
        assertThat(shown).hasSize(100);
        for (int k = 0; k < 100; k++) {
            var context = shown.get(k);
            assertThat(context.number()).isEqualTo(k);
            assertThat(context.seed()).isEqualTo(7);
            assertThat(context.history()).hasSize(k).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(io.tunelab.api.TrialState.COMPLETE);
                assertThat(t.values()).containsKey("value");
            });
        }
        assertThat(shown.get(99).history().get(98).params()).containsEntry("x1", 7.0);
        assertThat(run.regretAt()).containsKey(100);
        assertThat(direct.proposeTotals()[0]).isEqualTo(100);
    }

    @Test
    void with_a_batch_the_strategy_proposes_while_the_batchs_earlier_trials_are_still_running() {
        var direct = DirectRuns.load("io.tunelab.experiments.quality.fake.");
        io.tunelab.experiments.quality.fake.Strategies.SHOWN.clear();
        var run = QualityBenchmark.run(direct::launch, Problem.named("branin"), "anything", 7, 4);

        var shown = io.tunelab.experiments.quality.fake.Strategies.SHOWN;
        assertThat(shown).hasSize(100);
        for (int k = 0; k < 100; k++) {
            long running = shown.get(k).history().stream().filter(t -> t.state() == io.tunelab.api.TrialState.RUNNING).count();
            assertThat(running).as("trial %d", k).isEqualTo(k % 4);
            assertThat(shown.get(k).history()).hasSize(k);
        }
        assertThat(run.regretAt()).containsKey(100);
    }

    @Test
    void a_batch_out_of_range_is_refused_saying_what_is_allowed() {
        assertThatThrownBy(() -> QualityBenchmark.main(new String[] {"--direct", "--batch", "0", "--problems", "branin", "--out", out.toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batch takes 1 to 100").hasMessageContaining("got 0");
        assertThatThrownBy(() -> QualityBenchmark.main(new String[] {"--direct", "--batch", "four", "--problems", "branin", "--out", out.toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--batch takes a whole number, got \"four\"");
    }

    @Test
    void a_direct_run_passes_on_the_strategys_own_error() {
        var direct = DirectRuns.load("io.tunelab.experiments.quality.fake.");
        assertThatThrownBy(() -> QualityBenchmark.run(direct::launch, Problem.named("branin"), "broken", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"broken\" is unknown");
    }

    @Test
    void direct_runs_without_the_servers_classes_say_what_to_add() {
        assertThatThrownBy(() -> QualityBenchmark.main(new String[] {"--direct", "--problems", "branin", "--out", out.toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server/target/classes").hasMessageContaining("--own-server");
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
