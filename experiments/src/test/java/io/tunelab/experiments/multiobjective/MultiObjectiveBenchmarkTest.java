package io.tunelab.experiments.multiobjective;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MultiObjectiveBenchmarkTest {
    @TempDir
    Path out;

    @Test
    void optunas_fronts_are_scored_by_the_same_hypervolume_and_stand_beside_the_runs_made_before() throws Exception {
        Path fronts = out.resolve("fronts.csv");
        Files.writeString(fronts, """
                problem,sampler,seed,trials,f1,f2,f3
                zdt1,nsga2,0,200,1.0,1.0,
                zdt1,nsga2,0,500,0.0,1.0,
                zdt1,nsga2,0,500,1.0,0.0,
                """);
        Path mine = out.resolve("mine.csv");
        Files.writeString(mine, """
                problem,strategy,seed,hv_200,hv_500
                zdt1,nsga2,0,90.0,100.0
                """);
        MultiObjectiveBenchmark.main(new String[] {"--from-csv", mine.toString(), "--optuna", fronts.toString(), "--problems", "zdt1",
                "--out", out.toString()});
        // Against (11, 11): one point (1, 1) dominates 10·10; the two of 500 trials 11·10 + 10·1.
        assertThat(Files.readString(out.resolve("multiobjective_summary.md")))
                .contains("| zdt1 | [11.0, 11.0] | 200 | 90.00 [90.00, 90.00] (1) | 100.0 [100.0, 100.0] (1) |")
                .contains("| zdt1 | [11.0, 11.0] | 500 | 100.0 [100.0, 100.0] (1) | 120.0 [120.0, 120.0] (1) |");
    }

    @Test
    void the_problems_have_their_known_fronts() {
        var zdt1 = MultiObjectiveProblem.named("zdt1");
        double[] x = new double[30];
        x[0] = 0.25;
        assertThat(zdt1.values(x)).containsExactly(0.25, 0.5);
        assertThat(MultiObjectiveProblem.named("zdt2").values(x)).containsExactly(0.25, 1 - 0.0625);
        double[] y = new double[12];
        java.util.Arrays.fill(y, 0.5);
        double[] f = MultiObjectiveProblem.named("dtlz2").values(y);
        assertThat(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }
}
