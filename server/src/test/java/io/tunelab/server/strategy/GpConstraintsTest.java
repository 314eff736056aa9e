package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import io.tunelab.api.FloatParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link GpSearch} with constraints: each constraint modelled apart ({@link Feasibility}). */
class GpConstraintsTest {
    private static final SearchSpace CUBE = SearchSpace.builder()
            .add("x0", FloatParam.of(0, 1)).add("x1", FloatParam.of(0, 1)).add("x2", FloatParam.of(0, 1)).build();
    private static final List<Constraint> SUM_AT_MOST_ONE = List.of(Constraint.atMost("sum", 1));

    private static double x(Map<String, Object> p, int i) {
        return (Double) p.get("x" + i);
    }

    /** Σ(xᵢ − 0.8)² and Σxᵢ: under Σxᵢ ≤ 1 the optimum is (⅓, ⅓, ⅓), on the boundary, f = 0.6533. */
    private static Map<String, Double> sumProblem(Map<String, Object> p) {
        double f = 0;
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            f += (x(p, i) - 0.8) * (x(p, i) - 0.8);
            sum += x(p, i);
        }
        return Map.of("loss", f, "sum", sum);
    }

    @Test
    void itFindsAnOptimumOnTheConstraintsBoundary() {
        double optimum = 3 * (0.8 - 1.0 / 3) * (0.8 - 1.0 / 3);
        for (long seed : new long[]{1, 2}) {
            var gp = new GpSearch(10, 100, true);
            var history = new ArrayList<Trial>();
            double best = Double.POSITIVE_INFINITY;
            for (int n = 0; n < 60; n++) {
                var params = gp.propose(new ProposalContext(CUBE, StrategyContract.ONE, seed, n, history, null, SUM_AT_MOST_ONE));
                var values = sumProblem(params);
                if (values.get("sum") <= 1) {
                    best = Math.min(best, values.get("loss"));
                }
                history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, values));
            }
            // Rating every infeasible trial as the worst feasible one kept it 0.02–0.03 away.
            assertThat(best - optimum).as("regret of the best feasible trial, seed %d", seed).isLessThan(1e-3);
        }
    }

    @Test
    void beforeAnyTrialIsFeasibleItMovesTowardWhereTheConstraintHolds() {
        // Feasible only where x0 + x1 + x2 ≤ 0.3 (0.45% of the cube); every trial so far lies far outside.
        var constraint = List.of(Constraint.atMost("sum", 0.3));
        for (long seed = 0; seed < 5; seed++) {
            var history = new ArrayList<Trial>();
            var rng = new java.util.SplittableRandom(seed);
            for (int n = 0; n < 12; n++) {
                var params = Map.<String, Object>of("x0", 0.3 + 0.7 * rng.nextDouble(), "x1", 0.3 + 0.7 * rng.nextDouble(),
                        "x2", 0.3 + 0.7 * rng.nextDouble());
                history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, sumProblem(params)));
            }
            var next = new GpSearch(10, 100, true).propose(new ProposalContext(CUBE, StrategyContract.ONE, seed, 12, history, null,
                    constraint));
            assertThat(x(next, 0) + x(next, 1) + x(next, 2)).as("the proposal's sum, seed %d", seed).isLessThan(0.5);
        }
    }

    @Test
    void aMarginIsNegativeInsideTheBoundsAndPositiveOutside() {
        assertThat(Feasibility.margin(Constraint.atMost("m", 2), 1.5)).isEqualTo(-0.5);
        assertThat(Feasibility.margin(Constraint.atMost("m", 2), 3)).isEqualTo(1);
        assertThat(Feasibility.margin(Constraint.atLeast("m", 2), 1)).isEqualTo(1);
        assertThat(Feasibility.margin(Constraint.between("m", 0, 10), 4)).isEqualTo(-4);
        assertThat(Feasibility.margin(Constraint.between("m", 0, 10), 12)).isEqualTo(2);
    }

    @Test
    void logCdfIsExactNearZeroAndStaysFiniteAndContinuousFarIntoTheTail() {
        assertThat(Feasibility.logCdf(0)).isCloseTo(Math.log(0.5), within(1e-15));
        assertThat(Feasibility.logCdf(-3)).isCloseTo(Math.log(0.0013498980316301), within(1e-9));
        assertThat(Feasibility.logCdf(Math.nextDown(-20.0))).isCloseTo(Feasibility.logCdf(-20), within(1e-7));
        assertThat(Feasibility.logCdf(-100)).isFinite().isLessThan(Feasibility.logCdf(-50));
    }
}
