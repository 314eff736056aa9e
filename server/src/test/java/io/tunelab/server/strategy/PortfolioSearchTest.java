package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The portfolio hands its options on to its members: a member runs as it would alone with them. */
class PortfolioSearchTest {
    private static final List<Objective> LOSS = List.of(Objective.minimize("loss"));

    /** The params a strategy proposes for {@code trials} trials of a 4-D sphere, each told at once. */
    private static List<Map<String, Object>> proposals(String strategy, Map<String, Object> options, int trials) {
        return proposals(strategy, options, trials, 4);
    }

    /** The same on a sphere of {@code dimensions} params. */
    private static List<Map<String, Object>> proposals(String strategy, Map<String, Object> options, int trials, int dimensions) {
        return proposals(strategy, options, trials, dimensions, x -> x * x);
    }

    /** The same on a loss that is the sum of {@code term} over the params, each in [-1, 1]. */
    private static List<Map<String, Object>> proposals(String strategy, Map<String, Object> options, int trials, int dimensions,
                                                       DoubleUnaryOperator term) {
        var builder = SearchSpace.builder();
        for (int i = 0; i < dimensions; i++) {
            builder.add("x" + i, FloatParam.of(-1, 1));
        }
        var space = builder.build();
        var search = Strategies.create(new StrategySpec(strategy, 3L, options), space, LOSS, 3);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < trials; n++) {
            var params = search.propose(new ProposalContext(space, LOSS, 3, n, history));
            double loss = params.values().stream().mapToDouble(v -> term.applyAsDouble((Double) v)).sum();
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", loss)));
        }
        return history.stream().map(Trial::params).toList();
    }

    @Test
    void theGeneticMembersCrossoverIsTheOneThePortfolioWasGiven() {
        var alone = Map.<String, Object>of("population", 20, "mutation_sigma", 0.05, "adaptive_mutation", true);
        for (String crossover : List.of("blend", "uniform")) {
            var asMember = proposals("portfolio", Map.of("members", "genetic", "crossover", crossover), 80);
            var withOptions = new HashMap<>(alone);
            withOptions.put("crossover", crossover);
            assertThat(asMember).as(crossover).isEqualTo(proposals("genetic", withOptions, 80));
        }
        assertThat(proposals("portfolio", Map.of("members", "genetic", "crossover", "uniform"), 80))
                .isNotEqualTo(proposals("portfolio", Map.of("members", "genetic", "crossover", "blend"), 80));
    }

    @Test
    void cmaesMembersInitialStepIsTheOneThePortfolioWasGiven() {
        var asMember = proposals("portfolio", Map.of("members", "cmaes", "sigma0", 0.3), 40);
        assertThat(asMember).isEqualTo(proposals("cmaes", Map.of("sigma0", 0.3), 40));
        assertThat(asMember).isNotEqualTo(proposals("portfolio", Map.of("members", "cmaes"), 40));
    }

    @Test
    void cmaesMembersPreselectionIsTheOneThePortfolioWasGiven() {
        var asMember = proposals("portfolio", Map.of("members", "cmaes", "preselect", "quadratic"), 60);
        assertThat(asMember).isEqualTo(proposals("cmaes", Map.of("preselect", "quadratic"), 60));
        assertThat(asMember).isNotEqualTo(proposals("portfolio", Map.of("members", "cmaes"), 60));
    }

    /** Styblinski–Tang's term on [-5, 5] with x = 5v: separable, of degree 4, two basins in each param. */
    private static double styblinski(double v) {
        double x = 5 * v;
        return (x * x * x * x - 16 * x * x + 5 * x) / 2;
    }

    @Test
    void autoOnTenParamsIsTheProgressPortfolioWhoseCmaesPreselectsAdditivelyWhereTheLossIsSeparable() {
        var portfolio = Map.<String, Object>of("members", "cmaes+genetic", "mutation_sigma", 0.05, "adaptive_mutation", true,
                "population", 20, "allocation", "progress", "preselect", "additive_if_separable");
        var quadratic = new HashMap<>(portfolio);
        quadratic.put("preselect", "quadratic");
        var without = new HashMap<>(portfolio);
        without.put("preselect", "none");
        // On the sphere the quadratic fits as well as the quartic: quadratic's proposals.
        var auto = proposals("auto", Map.of(), 60, 10);
        assertThat(auto).isEqualTo(proposals("portfolio", portfolio, 60, 10));
        assertThat(auto).isEqualTo(proposals("portfolio", quadratic, 60, 10));
        assertThat(auto).isNotEqualTo(proposals("portfolio", without, 60, 10));
        // On Styblinski–Tang, the quartic's exact form, the additive model's.
        var onQuartic = proposals("auto", Map.of(), 150, 10, PortfolioSearchTest::styblinski);
        assertThat(onQuartic).isEqualTo(proposals("portfolio", portfolio, 150, 10, PortfolioSearchTest::styblinski));
        assertThat(onQuartic).isNotEqualTo(proposals("portfolio", quadratic, 150, 10, PortfolioSearchTest::styblinski));
    }

    @Test
    void gpMembersWarpingIsTheOneThePortfolioWasGiven() {
        var asMember = proposals("portfolio", Map.of("members", "gp", "warping", "power"), 25);
        assertThat(asMember).isEqualTo(proposals("gp", Map.of("warping", "power"), 25));
        assertThat(proposals("portfolio", Map.of("members", "gp"), 25)).isEqualTo(proposals("gp", Map.of(), 25));
        assertThat(asMember).isNotEqualTo(proposals("portfolio", Map.of("members", "gp"), 25));
    }
}
