package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import io.tunelab.server.analysis.Pareto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multi-objective TPE (strategy {@code tpe} with several objectives), and {@code auto} with several objectives. */
class MultiObjectiveTpeTest {

    /**
     * ZDT1 with 30 variables, 200 trials, hypervolume against (11, 11): on seeds 0–19 tpe's
     * median is 99.1 and random search's about 91; the margin asked here is 3.
     */
    @Test
    void multiObjectiveTpeFindsALargerHypervolumeThanRandomSearchOnZdt1() {
        for (long seed : new long[]{1, 2}) {
            double tpe = MultiObjectiveDirect.run("zdt1", "tpe", seed, 200).get(200);
            double random = MultiObjectiveDirect.run("zdt1", "random", seed, 200).get(200);
            assertThat(tpe).as("seed " + seed).isGreaterThan(random + 3);
        }
    }

    @Test
    void withSeveralObjectivesTheGoodGroupIsTheParetoSplitNotTheBestOfTheFirstObjective() {
        // Front 0 (0, 8.5), 1 (1, 1), 7 (9, 0); γ(11) = 2; reference (9.9, 9.35). Trial 1 covers
        // most alone; of what it leaves, trial 0 keeps 0.85 and trial 7 0.9. The first objective
        // alone would take trials 0 and 1.
        var history = new ArrayList<Trial>();
        double[][] values = {{0, 8.5}, {1, 1}, {5, 5}, {6, 6}, {7, 7}, {8, 8}, {9, 9}, {9, 0}, {11, 11}, {12, 12}, {13, 13}};
        for (int n = 0; n < values.length; n++) {
            history.add(InProcessExperiment.trial(n, Map.of("x", n / 11.0), TrialState.COMPLETE,
                    Map.of("loss", values[n][0], "accuracy", -values[n][1])));
        }
        var space = SearchSpace.builder().add("x", io.tunelab.api.FloatParam.of(0, 1)).build();
        var context = new ProposalContext(space, StrategyContract.TWO, 1, history.size(), history);
        var observations = Observation.of(context, new UnitSpace(space), null, false);
        var split = TpeSearch.Split.of(TpeSearch.ranked(observations, 2), 0);
        assertThat(split.below()).extracting(o -> o.trial().number()).containsExactly(1, 7);
        assertThat(split.above()).hasSize(9);
        var single = TpeSearch.Split.of(TpeSearch.ranked(observations, 1), 0);
        assertThat(single.below()).extracting(o -> o.trial().number()).containsExactly(0, 1);
    }

    /** Define-by-run with two objectives: lr is best at 0.01 on both, half the trials never defined it. */
    @ParameterizedTest
    @ValueSource(strings = {"tpe", "auto"})
    void suggestionsLearnFromTheTrialsThatDefinedTheParam(String name) {
        var space = SearchSpace.builder().add("optimizer", CategoricalParam.of("sgd", "adam")).build();
        var strategy = Strategies.create(new StrategySpec(name, 5L, Map.of()), space, StrategyContract.TWO, 5);
        var grown = space.with("lr", SuggestTest.LR.withWhen(Condition.of("optimizer", "sgd")));
        var history = new ArrayList<Trial>();
        for (Trial t : SuggestTest.history()) {
            var values = new HashMap<>(t.values());
            values.put("accuracy", 1 - t.value("loss") / 4);
            history.add(InProcessExperiment.trial(t.number(), t.params(), TrialState.COMPLETE, values));
        }
        int near = 0;
        for (int number = 60; number < 100; number++) {
            var context = new ProposalContext(grown, StrategyContract.TWO, 5, number, history);
            double lr = (Double) strategy.suggest(context, "lr", grown.get("lr"));
            assertThat(lr).isBetween(SuggestTest.LR.low(), SuggestTest.LR.high());
            near += Math.abs(Math.log10(lr) + 2) < 0.5 ? 1 : 0;
        }
        // A uniform draw in log space lands within half a decade of 0.01 a quarter of the time.
        assertThat(near).isGreaterThan(20);
    }

    @Test
    void autoWithSeveralObjectivesRunsMultiObjectiveTpeThenNsga2() {
        var space = SearchSpace.builder().add("x", io.tunelab.api.FloatParam.of(0, 1)).build();
        var auto = (AutoSearch) Strategies.create(StrategySpec.of("auto"), space, StrategyContract.TWO, 1);
        var relay = (RelaySearch) auto.delegate();
        assertThat(relay.member(0)).isInstanceOf(TpeSearch.class);
        assertThat(relay.member(AutoSearch.HAND_OVER - 1)).isInstanceOf(TpeSearch.class);
        assertThat(relay.member(AutoSearch.HAND_OVER)).isInstanceOf(Nsga2Search.class);
        assertThat(List.of(Strategies.create(StrategySpec.of("auto"), space, StrategyContract.ONE, 1)))
                .allSatisfy(s -> assertThat(((AutoSearch) s).delegate()).isNotInstanceOf(RelaySearch.class));
    }

    @Test
    void preselectingByTheObjectivesModelsFindsABetterFrontForTheSameBudget() {
        double plain = Nsga2SearchTest.hypervolume(Pareto.front(Nsga2SearchTest.run("tpe", 80), Nsga2SearchTest.OBJECTIVES));
        double preselected = Nsga2SearchTest.hypervolume(Pareto.front(
                Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), 80), Nsga2SearchTest.OBJECTIVES));
        assertThat(preselected).isGreaterThan(plain);
        assertThat(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), 40)).as("the default number of configurations")
                .isEqualTo(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic", "preselect_from", 30), 40));
    }

    /** As for NSGA-II; in units 1000 times larger only, as TPE's good group (Optuna's) is measured from 1.1 × the worst loss. */
    @Test
    void preselectionDoesNotDependOnTheUnitsOfAnObjective() {
        assertThat(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), 60, 1000, 0)).extracting(Trial::params)
                .isEqualTo(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), 60).stream().map(Trial::params).toList());
    }

    @Test
    void preselectionStartsOnceEachObjectiveHasTrialsEnoughForAModel() {
        // Four params: the diagonal quadratic needs 11 complete trials; until then TPE's own draw.
        int before = QuadraticSurrogate.diagonalNeeds(4);
        assertThat(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), before)).extracting(Trial::params)
                .isEqualTo(Nsga2SearchTest.run("tpe", before).stream().map(Trial::params).toList());
        assertThat(Nsga2SearchTest.run("tpe", Map.of("preselect", "quadratic"), before + 3)).extracting(Trial::params)
                .isNotEqualTo(Nsga2SearchTest.run("tpe", before + 3).stream().map(Trial::params).toList());
    }

    /** A conditional param is modelled at the middle of its range where inactive, in the trials and in the draws alike. */
    @Test
    void preselectionWorksWhereAParamIsInactiveInSomeTrials() {
        var space = SearchSpace.builder().add("opt", CategoricalParam.of("a", "b"))
                .add("x", io.tunelab.api.FloatParam.of(0, 1).withWhen(Condition.of("opt", "a")))
                .add("y", io.tunelab.api.FloatParam.of(0, 1)).build();
        var runs = new ArrayList<List<Map<String, Object>>>();
        for (var options : List.<Map<String, Object>>of(Map.of("preselect", "quadratic"), Map.of())) {
            var tpe = Strategies.create(new StrategySpec("tpe", 4L, options), space, StrategyContract.TWO, 4);
            var history = new ArrayList<Trial>();
            for (int n = 0; n < 40; n++) {
                var params = tpe.propose(new ProposalContext(space, StrategyContract.TWO, 4, n, history));
                double y = ((Number) params.get("y")).doubleValue();
                double x = params.containsKey("x") ? ((Number) params.get("x")).doubleValue() : 0.5;
                double extra = "a".equals(params.get("opt")) ? (x - 0.2) * (x - 0.2) : 0.3;
                history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", y, "accuracy", -(1 - y + extra))));
            }
            runs.add(history.stream().map(Trial::params).toList());
        }
        assertThat(runs.get(0)).as("with pre-selection").anyMatch(p -> !p.containsKey("x")).anyMatch(p -> p.containsKey("x"))
                .isNotEqualTo(runs.get(1));
    }

    @Test
    void preselectOptionsThatCannotWorkAreRefusedWithWhatWouldWork() {
        var space = SearchSpace.builder().add("x", io.tunelab.api.FloatParam.of(0, 1)).build();
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("tpe", 1L, Map.of("preselect", "quadratic")), space,
                StrategyContract.ONE, 1))
                .isInstanceOf(TunelabException.class)
                .hasMessage("strategy.options.preselect: quadratic chooses among configurations by their predicted objectives and "
                        + "needs at least 2 of them, this experiment has 1; with one objective use preselect: none (strategies "
                        + "auto and cmaes pre-select by a quadratic model)");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("tpe", 1L, Map.of("preselect_from", 5)), space,
                StrategyContract.TWO, 1))
                .hasMessage("strategy.options.preselect_from is how many configurations the models choose among: it needs "
                        + "strategy.options.preselect: quadratic, got none");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("tpe", 1L, Map.of("preselect", "quadratic", "preselect_from", 1)),
                space, StrategyContract.TWO, 1))
                .hasMessageContaining("strategy.options.preselect_from must be from 2 to 1000, got 1");
        assertThatThrownBy(() -> Strategies.create(new StrategySpec("tpe", 1L, Map.of("preselect", "kriging")), space,
                StrategyContract.TWO, 1))
                .hasMessageContaining("preselect").hasMessageContaining("none, quadratic");
    }
}
