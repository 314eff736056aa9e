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
        var builder = SearchSpace.builder();
        for (int i = 0; i < dimensions; i++) {
            builder.add("x" + i, FloatParam.of(-1, 1));
        }
        var space = builder.build();
        var search = Strategies.create(new StrategySpec(strategy, 3L, options), space, LOSS, 3);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < trials; n++) {
            var params = search.propose(new ProposalContext(space, LOSS, 3, n, history));
            double loss = params.values().stream().mapToDouble(v -> (Double) v * (Double) v).sum();
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

    @Test
    void autoOnTenParamsIsTheProgressPortfolioWhoseCmaesPreselects() {
        var portfolio = Map.<String, Object>of("members", "cmaes+genetic", "mutation_sigma", 0.05, "adaptive_mutation", true,
                "population", 20, "allocation", "progress", "preselect", "quadratic");
        var auto = proposals("auto", Map.of(), 60, 10);
        assertThat(auto).isEqualTo(proposals("portfolio", portfolio, 60, 10));
        var without = new HashMap<>(portfolio);
        without.put("preselect", "none");
        assertThat(auto).isNotEqualTo(proposals("portfolio", without, 60, 10));
    }

    @Test
    void gpMembersWarpingIsTheOneThePortfolioWasGiven() {
        var asMember = proposals("portfolio", Map.of("members", "gp", "warping", "power"), 25);
        assertThat(asMember).isEqualTo(proposals("gp", Map.of("warping", "power"), 25));
        assertThat(proposals("portfolio", Map.of("members", "gp"), 25)).isEqualTo(proposals("gp", Map.of(), 25));
        assertThat(asMember).isNotEqualTo(proposals("portfolio", Map.of("members", "gp"), 25));
    }
}
