package io.tunelab.experiments.quality;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConstrainedBenchmarkTest {
    /** Each problem's optimum, as the literature (or SLSQP from 400 starts) places it. */
    private static final Map<String, double[]> OPTIMA = Map.of(
            "sum3", new double[]{1.0 / 3, 1.0 / 3, 1.0 / 3},
            "sum6", new double[]{1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3},
            "gramacy", new double[]{0.19512269, 0.40466536},
            "branin-disc", new double[]{Math.PI, 2.275},
            "g24", new double[]{2.3295202, 3.17849307},
            "hartmann6-sum", new double[]{0.10851375, 0.03795727, 0.20577107, 0.24803683, 0.28334212, 0.61637897});

    @Test
    void eachProblemReachesItsStatedOptimumAtItsOptimalPointWithinItsConstraints() {
        assertThat(ConstrainedProblem.all()).extracting(ConstrainedProblem::name).containsExactlyInAnyOrderElementsOf(OPTIMA.keySet());
        for (var p : ConstrainedProblem.all()) {
            double[] r = p.evaluate().apply(OPTIMA.get(p.name()));
            assertThat(r[0]).as(p.name()).isCloseTo(p.optimum(), within(1e-6));
            for (int k = 1; k < r.length; k++) {
                assertThat(r[k]).as(p.name() + " constraint " + k).isLessThan(1e-6);
            }
            assertThat(r).hasSize(p.constraints() + 1);
        }
    }

    @Test
    void aRunThatFoundNoFeasibleTrialStaysInfiniteInTheQuartilesInsteadOfMakingNaN() {
        double[] sorted = {0.1, 0.2, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        assertThat(QualityBenchmark.quantile(sorted, 0.5)).isInfinite();
        assertThat(QualityBenchmark.quantile(sorted, 0.75)).isInfinite();
        assertThat(QualityBenchmark.quantile(new double[]{0.1, Double.POSITIVE_INFINITY}, 0)).isEqualTo(0.1);
        assertThat(QualityBenchmark.quantile(sorted, 0.25)).isCloseTo(0.175, within(1e-12));
    }

    @Test
    void optunasRunsAreReadByColumnNameAndAnotherFileIsRefusedNamingTheColumnsExpected(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("optuna.csv");
        Files.write(good, List.of("problem,sampler,seed,regret_50,regret_100,feasible", "g24,tpe,100,inf,0.25,40"));
        var runs = ConstrainedBenchmark.read(good);
        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.regretAt().get(50)).isInfinite();
            assertThat(r.regretAt().get(100)).isEqualTo(0.25);
            assertThat(r.feasible()).isEqualTo(40);
        });
        Path bad = dir.resolve("quality_runs.csv");
        Files.write(bad, List.of("function,sampler,seed,regret_100,regret_300", "branin,tpe,0,0.1,0.01"));
        assertThatThrownBy(() -> ConstrainedBenchmark.read(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected [problem, sampler, seed, regret_50, regret_100, feasible]")
                .hasMessageContaining("quality_constrained.py");
    }

    @Test
    void anUnknownProblemNoSeedsOrNoBatchIsRefusedSayingWhatIsAllowed() {
        assertThatThrownBy(() -> ConstrainedBenchmark.main(new String[]{"--problems", "sum4"}))
                .hasMessageContaining("unknown constrained problem sum4").hasMessageContaining("sum3");
        assertThatThrownBy(() -> ConstrainedBenchmark.main(new String[]{"--seeds", "0"}))
                .hasMessageContaining("--seeds takes 1 or more, got 0");
        assertThatThrownBy(() -> ConstrainedBenchmark.main(new String[]{"--seeds", "few"}))
                .hasMessageContaining("--seeds takes a whole number");
        assertThatThrownBy(() -> ConstrainedBenchmark.main(new String[]{"--batch", "0"}))
                .hasMessageContaining("--batch takes 1 to 100 asks before their tells, got 0");
    }
}
