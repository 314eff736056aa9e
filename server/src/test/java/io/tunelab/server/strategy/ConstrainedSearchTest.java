package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each strategy that learns from values prefers the feasible region: on a problem whose
 * unconstrained optimum breaks the constraint, the same search with the constraint in the spec
 * proposes clearly more feasible trials, and finds a better feasible one, than with the constraint
 * hidden (the trials report the constrained metric either way). Seeds are fixed; counts, not times.
 */
class ConstrainedSearchTest {
    static final int DIMENSIONS = 3;
    static final int TRIALS = 100;
    /** The sum of the coordinates must stay at most 1: a sixth of the unit cube. */
    static final List<Constraint> SUM_AT_MOST_ONE = List.of(Constraint.atMost("sum", 1));

    /** Distance² to (0.8, 0.8, 0.8), outside the feasible region; the feasible optimum is (⅓, ⅓, ⅓), f = 0.653. */
    static Map<String, Double> problem(Map<String, Object> p) {
        double f = 0;
        double g = 0;
        double h = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            double x = (Double) p.get("x" + i);
            f += (x - 0.8) * (x - 0.8);
            h += (x - (i == 0 ? 1.0 : 0.6)) * (x - (i == 0 ? 1.0 : 0.6));
            g += x;
        }
        return Map.of("f", f, "h", h, "sum", g);
    }

    static List<Trial> run(String strategy, List<Objective> objectives, List<Constraint> constraints, long seed) {
        var space = SearchSpace.builder();
        for (int i = 0; i < DIMENSIONS; i++) {
            space.add("x" + i, FloatParam.of(0, 1));
        }
        var s = space.build();
        var search = Strategies.create(new StrategySpec(strategy, seed, Map.of()), s, objectives, seed);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < TRIALS; n++) {
            var params = search.propose(new ProposalContext(s, objectives, seed, n, history, null, constraints));
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, problem(params)));
        }
        return history;
    }

    static long feasible(List<Trial> trials) {
        return trials.stream().filter(t -> Constraint.violation(SUM_AT_MOST_ONE, t.values()) == 0).count();
    }

    static double bestFeasible(List<Trial> trials, String metric) {
        return trials.stream().filter(t -> Constraint.violation(SUM_AT_MOST_ONE, t.values()) == 0)
                .mapToDouble(t -> t.value(metric)).min().orElse(Double.POSITIVE_INFINITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "genetic", "cmaes", "auto"})
    void aSingleObjectiveSearchPrefersTheFeasibleRegion(String strategy) {
        var objectives = List.of(Objective.minimize("f"));
        for (long seed : new long[]{1, 2}) {
            var constrained = run(strategy, objectives, SUM_AT_MOST_ONE, seed);
            var hidden = run(strategy, objectives, List.of(), seed);
            assertThat(feasible(constrained)).as(strategy + " seed " + seed).isGreaterThan(2 * feasible(hidden));
            assertThat(bestFeasible(constrained, "f")).as(strategy + " seed " + seed).isLessThan(bestFeasible(hidden, "f"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nsga2", "tpe", "auto"})
    void aMultiObjectiveSearchPrefersTheFeasibleRegion(String strategy) {
        var objectives = List.of(Objective.minimize("f"), Objective.minimize("h"));
        for (long seed : new long[]{1, 2}) {
            var constrained = run(strategy, objectives, SUM_AT_MOST_ONE, seed);
            var hidden = run(strategy, objectives, List.of(), seed);
            assertThat(feasible(constrained)).as(strategy + " seed " + seed).isGreaterThan(2 * feasible(hidden));
            assertThat(bestFeasible(constrained, "f")).as(strategy + " seed " + seed).isLessThan(bestFeasible(hidden, "f"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void samplersThatLearnNothingIgnoreConstraints(String strategy) {
        var objectives = List.of(Objective.minimize("f"));
        assertThat(run(strategy, objectives, SUM_AT_MOST_ONE, 1)).extracting(Trial::params)
                .isEqualTo(run(strategy, objectives, List.of(), 1).stream().map(Trial::params).toList());
    }
}
