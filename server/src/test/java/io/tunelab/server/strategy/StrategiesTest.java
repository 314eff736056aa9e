package io.tunelab.server.strategy;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategiesTest {
    static final SearchSpace BOX = SearchSpace.builder().add("x", FloatParam.of(0, 1)).add("y", FloatParam.of(0, 1)).build();

    static SearchStrategy create(String name, Map<String, Object> options, List<Objective> objectives) {
        return Strategies.create(new StrategySpec(name, 1L, options), BOX, objectives, 1);
    }

    static void assertInvalid(Runnable create, String... fragments) {
        assertThatThrownBy(create::run).isInstanceOfSatisfying(TunelabException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
            assertThat(e.getMessage()).contains(fragments);
        });
    }

    @Test
    void everyListedNameBuildsAStrategy() {
        var space = SearchSpace.builder().add("x", FloatParam.stepped(0, 1, 0.5)).build();
        for (String name : Strategies.NAMES) {
            var objectives = name.equals("nsga2") ? StrategyContract.TWO : StrategyContract.ONE;
            assertThat(Strategies.create(StrategySpec.of(name), space, objectives, 1)).isNotNull();
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertInvalid(() -> create("bayes", Map.of(), StrategyContract.ONE),
                "unknown strategy \"bayes\"", "auto, random, grid, sobol, tpe, cmaes, genetic, nsga2, portfolio");
    }

    @Test
    void nsga2NeedsSeveralObjectives() {
        assertInvalid(() -> create("nsga2", Map.of(), StrategyContract.ONE), "nsga2", "at least 2 objectives", "has 1");
        assertThat(create("nsga2", Map.of(), StrategyContract.TWO)).isInstanceOf(Nsga2Search.class);
    }

    @Test
    void aPortfolioAllocatesByTurnsOrByProgressAndNothingElse() {
        assertInvalid(() -> create("portfolio", Map.of("allocation", "bandit"), StrategyContract.ONE),
                "strategy.options.allocation", "\"bandit\"", "turns, progress");
        assertThat(create("portfolio", Map.of("allocation", "progress"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
    }

    @Test
    void aPortfolioCrossoverIsBlendOrUniformAndNothingElse() {
        assertInvalid(() -> create("portfolio", Map.of("crossover", "sbx"), StrategyContract.ONE),
                "strategy.options.crossover", "\"sbx\"", "blend, uniform");
        assertThat(create("portfolio", Map.of("crossover", "uniform"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
    }

    @Test
    void cmaesPreselectsByAQuadraticOrNotAtAll() {
        assertInvalid(() -> create("cmaes", Map.of("preselect", "cubic"), StrategyContract.ONE),
                "strategy.options.preselect", "\"cubic\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
        assertInvalid(() -> create("portfolio", Map.of("preselect", true), StrategyContract.ONE),
                "strategy.options.preselect", "\"true\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
        assertThat(create("cmaes", Map.of("preselect", "Quadratic"), StrategyContract.ONE)).isInstanceOf(CmaEsSearch.class);
        assertThat(create("portfolio", Map.of("preselect", "none"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
        assertThat(create("portfolio", Map.of("preselect", "quadratic_or_additive"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
        assertThat(create("cmaes", Map.of("preselect", "additive_early"), StrategyContract.ONE)).isInstanceOf(CmaEsSearch.class);
        assertThat(create("portfolio", Map.of("preselect", "Additive_Early"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
        assertInvalid(() -> create("portfolio", Map.of("preselect", "additive-early"), StrategyContract.ONE),
                "strategy.options.preselect", "\"additive-early\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
        assertInvalid(() -> create("cmaes", Map.of("preselect", "additive"), StrategyContract.ONE),
                "strategy.options.preselect", "\"additive\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
        assertThat(create("cmaes", Map.of("preselect", "additive_if_separable"), StrategyContract.ONE)).isInstanceOf(CmaEsSearch.class);
        assertThat(create("portfolio", Map.of("preselect", "Additive_If_Separable"), StrategyContract.ONE)).isInstanceOf(PortfolioSearch.class);
        assertInvalid(() -> create("portfolio", Map.of("preselect", "separable"), StrategyContract.ONE),
                "strategy.options.preselect", "\"separable\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
        assertInvalid(() -> create("cmaes", Map.of("preselect", 1), StrategyContract.ONE),
                "strategy.options.preselect", "\"1\"", "none, quadratic, quadratic_or_additive, additive_early, additive_if_separable");
    }

    @Test
    void outOfRangeOptionsNameTheOptionAndItsRange() {
        assertInvalid(() -> create("genetic", Map.of("population", 2), StrategyContract.ONE), "population", "4", "10000");
        assertInvalid(() -> create("genetic", Map.of("population", 10, "elites", 11), StrategyContract.ONE), "elites", "population (10)");
        assertInvalid(() -> create("tpe", Map.of("candidates", 0), StrategyContract.ONE), "candidates", "1", "1000");
        assertInvalid(() -> create("cmaes", Map.of("sigma0", 2.0), StrategyContract.ONE), "sigma0");
        assertInvalid(() -> create("genetic", Map.of("crossover_rate", "high"), StrategyContract.ONE), "strategy.options.crossover_rate", "got \"high\"");
    }

    @Test
    void unknownOptionsListTheAllowedOnes() {
        assertInvalid(() -> create("genetic", Map.of("generations", 5), StrategyContract.ONE),
                "strategy.options.generations: unknown field", "population", "elites", "tournament", "mutation_sigma");
        assertInvalid(() -> create("sobol", Map.of("scramble", true), StrategyContract.ONE), "strategy.options.scramble: unknown field", "known fields: none");
    }

    @Test
    void gridRejectsAnUnboundedSpace() {
        assertInvalid(() -> create("grid", Map.of(), StrategyContract.ONE), "grid", "\"x\"", "step");
    }

    @Test
    void autoRunsMultiObjectiveTpeThenNsga2ForSeveralObjectivesAGaussianProcessOnSmallSpacesAndAPortfolioOnLarge() {
        var relay = (RelaySearch) ((AutoSearch) create("auto", Map.of(), StrategyContract.TWO)).delegate();
        assertThat(relay.member(0)).isInstanceOf(TpeSearch.class);
        assertThat(relay.member(AutoSearch.HAND_OVER)).isInstanceOf(Nsga2Search.class);
        for (var space : List.of(BOX, StrategyContract.MIXED, StrategyContract.DISCRETE)) {
            var chosen = ((AutoSearch) Strategies.create(StrategySpec.of("auto"), space, StrategyContract.ONE, 1)).delegate();
            assertThat(chosen).as("%d params", space.size()).isInstanceOf(GpSearch.class);
        }
        var nine = SearchSpace.builder();
        var ten = SearchSpace.builder();
        for (int i = 0; i < 10; i++) {
            if (i < 9) {
                nine.add("x" + i, FloatParam.of(0, 1));
            }
            ten.add("x" + i, FloatParam.of(0, 1));
        }
        assertThat(((AutoSearch) Strategies.create(StrategySpec.of("auto"), nine.build(), StrategyContract.ONE, 1)).delegate())
                .isInstanceOf(GpSearch.class);
        for (var space : List.of(ten.build(), SearchSpace.builder().build())) {
            var chosen = ((AutoSearch) Strategies.create(StrategySpec.of("auto"), space, StrategyContract.ONE, 1)).delegate();
            assertThat(chosen).as("%d params", space.size()).isInstanceOf(PortfolioSearch.class);
            assertThat(((PortfolioSearch) chosen).members()).hasExactlyElementsOfTypes(CmaEsSearch.class, GeneticSearch.class);
        }
    }

    @Test
    void portfolioMembersMustBeKnownStrategies() {
        assertInvalid(() -> create("portfolio", Map.of("members", "cmaes+bayes"), StrategyContract.ONE),
                "members", "\"bayes\"", "cmaes, genetic, tpe, gp, sobol, random");
    }
}
