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
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        return run(strategy, options, trials, 1, 0);
    }

    /** As {@link #run(String, Map, int)}, with f2 reported as scale · f2 + offset (the same objective in other units). */
    static List<Trial> run(String strategy, Map<String, Object> options, int trials, double scale, double offset) {
        var space = SearchSpace.builder();
        for (int i = 0; i < 4; i++) {
            space.add("x" + i, FloatParam.of(0, 1));
        }
        var s = space.build();
        var search = Strategies.create(new StrategySpec(strategy, 3L, options), s, OBJECTIVES, 3);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < trials; n++) {
            var params = search.propose(new ProposalContext(s, OBJECTIVES, 3, n, history));
            var values = zdt1(params);
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE,
                    Map.of("f1", values.get("f1"), "f2", scale * values.get("f2") + offset)));
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

    /** The share of the trials from {@code from} on that keep at least half their params exactly as an earlier trial had them. */
    static double shareWithInheritedParams(List<Trial> history, int from) {
        int inherited = 0;
        for (int n = from; n < history.size(); n++) {
            var params = history.get(n).params();
            var earlier = history.subList(0, n);
            long kept = params.keySet().stream()
                    .filter(name -> earlier.stream().anyMatch(t -> t.params().get(name).equals(params.get(name)))).count();
            inherited += kept * 2 >= params.size() ? 1 : 0;
        }
        return (double) inherited / (history.size() - from);
    }

    @Test
    void uniformCrossoverGivesAChildItsParentsValuesWhereBlendCrossoverMovesThem() {
        // Blend: a child lies on the line through its parents, so it keeps their values only when it skips crossover (1 in 10).
        assertThat(shareWithInheritedParams(run("nsga2", 80), 20)).isLessThan(0.3);
        assertThat(shareWithInheritedParams(run("nsga2", Map.of("crossover", "uniform"), 80), 20)).isGreaterThan(0.8);
    }

    @Test
    void autoWithSeveralObjectivesRecombinesByUniformCrossoverAfterTheHandOver() {
        int from = AutoSearch.HAND_OVER;
        assertThat(shareWithInheritedParams(run("auto", from + 40), from)).isGreaterThan(0.8);
    }

    @Test
    void aResampledParamLandsAnywhereInItsRangeAndAGaussianStepStaysNearItsParent() {
        var space = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();
        var unit = new UnitSpace(space);
        var parent = Map.<String, Object>of("x", 0.5);
        var o = new Observation(InProcessExperiment.trial(0, parent, TrialState.COMPLETE, Map.of("loss", 1.0)),
                unit.encode(parent), new double[]{1.0}, Observation.COMPLETE, 0);
        var resample = new Variation(unit, new Variation.Settings(0.0, 1.0, 1e-3, false, false, true));
        var gaussian = new Variation(unit, new Variation.Settings(0.0, 1.0, 1e-3, false, false, false));
        var rng = new SplittableRandom(5);
        var resampled = new ArrayList<Double>();
        var stepped = new ArrayList<Double>();
        for (int k = 0; k < 200; k++) {
            resampled.add(resample.child(resample.genotype(o, 1), resample.genotype(o, 1), rng)[0]);
            stepped.add(gaussian.child(gaussian.genotype(o, 1), gaussian.genotype(o, 1), rng)[0]);
        }
        assertThat(resampled).anyMatch(u -> u < 0.1).anyMatch(u -> u > 0.9);
        assertThat(stepped).allMatch(u -> Math.abs(u - 0.5) < 0.01);
    }

    @Test
    void preselectingByTheObjectivesSurrogatesFindsABetterFrontForTheSameBudget() {
        double plain = hypervolume(Pareto.front(run("nsga2", Map.of("preselect", "none"), 120), OBJECTIVES));
        double preselected = hypervolume(Pareto.front(run("nsga2", Map.of("preselect", "quadratic"), 120), OBJECTIVES));
        assertThat(preselected).isGreaterThan(plain);
        assertThat(run("nsga2", 120)).as("the default").isEqualTo(run("nsga2", Map.of("preselect", "quadratic", "candidates", 30), 120));
        // Until every objective has enough trials for a model (11 in 4-D), the first child is
        // proposed, as without: the same trials, from a population of 4 on.
        int before = QuadraticSurrogate.diagonalNeeds(4);
        assertThat(before).isGreaterThan(4);
        assertThat(run("nsga2", Map.of("preselect", "quadratic", "population", 4), before)).extracting(Trial::params)
                .isEqualTo(run("nsga2", Map.of("preselect", "none", "population", 4), before).stream().map(Trial::params).toList());
        assertThat(run("nsga2", Map.of("preselect", "quadratic", "population", 4), before + 3)).extracting(Trial::params)
                .isNotEqualTo(run("nsga2", Map.of("preselect", "none", "population", 4), before + 3).stream().map(Trial::params).toList());
    }

    /**
     * The models predict each objective in its own units and the choice compares those predictions
     * with the survivors' losses only by domination and range-scaled distances, so an objective
     * reported in other units (× 1000, + 500) changes no proposal.
     */
    @Test
    void preselectionDoesNotDependOnTheUnitsOfAnObjective() {
        assertThat(run("nsga2", Map.of(), 100, 1000, 500)).extracting(Trial::params)
                .isEqualTo(run("nsga2", 100).stream().map(Trial::params).toList());
    }

    @Test
    void anUnknownPreselectOrCandidatesWithoutPreselectingOrOutOfRangeIsRejectedWithWhatWouldDo() {
        var space = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("nsga2", 1L, Map.of("preselect", "kriging")), space, OBJECTIVES, 1))
                .hasMessageContaining("preselect").hasMessageContaining("none, quadratic");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("nsga2", 1L, Map.of("preselect", "none", "candidates", 5)), space, OBJECTIVES, 1))
                .hasMessage("strategy.options.candidates is how many children the models choose among: it needs "
                        + "strategy.options.preselect: quadratic, got none");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("nsga2", 1L, Map.of("preselect", "quadratic", "candidates", 1)),
                space, OBJECTIVES, 1)).hasMessageContaining("candidates").hasMessageContaining("2");
    }

    @Test
    void anUnknownCrossoverOrMutationIsRejectedWithTheOptions() {
        var space = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("nsga2", 1L, Map.of("crossover", "sbx")), space, OBJECTIVES, 1))
                .hasMessageContaining("crossover").hasMessageContaining("blend, uniform");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("nsga2", 1L, Map.of("mutation", "flip")), space, OBJECTIVES, 1))
                .hasMessageContaining("mutation").hasMessageContaining("gaussian, resample");
    }
}
