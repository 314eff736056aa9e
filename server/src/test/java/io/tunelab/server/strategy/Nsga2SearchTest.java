package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.server.analysis.Pareto;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class Nsga2SearchTest {
    static final List<Objective> OBJECTIVES = List.of(Objective.minimize("f1"), Objective.minimize("f2"));

    /** ZDT1 with 4 variables: the true front is f2 = 1 − √f1 for f1 in [0, 1]. */
    static Map<String, Double> zdt1(Map<String, Object> p) {
        double x0 = (Double) p.get("x0");
        double g = 1;
        for (int i = 1; i < 4; i++) {
            g += 9.0 / 3 * (Double) p.get("x" + i);
        }
        return Map.of("f1", x0, "f2", g * (1 - Math.sqrt(x0 / g)));
    }

    /** The area dominated by the front inside the box [0,1] × [0,10] (larger is better). */
    static double hypervolume(List<Trial> front) {
        var points = front.stream().map(t -> new double[]{t.value("f1"), t.value("f2")})
                .filter(p -> p[0] <= 1 && p[1] <= 10).sorted(Comparator.comparingDouble(p -> p[0])).toList();
        double area = 0;
        double previousF2 = 10;
        for (int i = 0; i < points.size(); i++) {
            double right = i + 1 < points.size() ? points.get(i + 1)[0] : 1;
            previousF2 = Math.min(previousF2, points.get(i)[1]);
            area += (right - points.get(i)[0]) * (10 - previousF2);
        }
        return area;
    }

    static List<Trial> run(String strategy, int trials) {
        return run(strategy, Map.of(), trials);
    }

    static List<Trial> run(String strategy, Map<String, Object> options, int trials) {
        var space = SearchSpace.builder();
        for (int i = 0; i < 4; i++) {
            space.add("x" + i, FloatParam.of(0, 1));
        }
        var s = space.build();
        var search = Strategies.create(new StrategySpec(strategy, 3L, options), s, OBJECTIVES, 3);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < trials; n++) {
            var params = search.propose(new ProposalContext(s, OBJECTIVES, 3, n, history));
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, zdt1(params)));
        }
        return history;
    }

    @Test
    void nsga2FindsABetterFrontThanRandomSearchForTheSameBudget() {
        double nsga2 = hypervolume(Pareto.front(run("nsga2", 300), OBJECTIVES));
        double random = hypervolume(Pareto.front(run("random", 300), OBJECTIVES));
        assertThat(nsga2).isGreaterThan(random);
    }

    @Test
    void theDefaultMutationStepIsThreeTenthsOfEachRangeAndAnOptionStillSetsIt() {
        var byDefault = run("nsga2", 60).stream().map(Trial::params).toList();
        assertThat(byDefault).isEqualTo(run("nsga2", Map.of("mutation_sigma", 0.3), 60).stream().map(Trial::params).toList());
        assertThat(byDefault).isNotEqualTo(run("nsga2", Map.of("mutation_sigma", 0.1), 60).stream().map(Trial::params).toList());
    }
}
