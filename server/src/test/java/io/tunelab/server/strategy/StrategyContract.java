package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Objective;
import io.tunelab.api.Report;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every strategy keeps (see {@link SearchStrategy}): determinism, resume after a
 * restart, bounds and conditions, no configuration proposed twice, thread safety. Any strategy,
 * a user's included, extends this class and says how to create it; {@code
 * BuiltInStrategiesContractTest} runs it over every built-in strategy. Histories are long enough
 * that the model-based strategies are past their quasi-random start.
 */
public abstract class StrategyContract {
    static final List<Objective> ONE = List.of(Objective.minimize("loss"));
    static final List<Objective> TWO = List.of(Objective.minimize("loss"), Objective.maximize("accuracy"));

    /** Floats (linear, log, stepped), ints (linear, log), categoricals, and a conditional pair. */
    static final SearchSpace MIXED = SearchSpace.builder()
            .add("lr", FloatParam.log(1e-5, 1e-1))
            .add("dropout", FloatParam.of(0.0, 0.5))
            .add("ratio", FloatParam.stepped(0.1, 0.9, 0.2))
            .add("layers", IntParam.of(1, 6))
            .add("width", IntParam.log(8, 512))
            .add("optimizer", CategoricalParam.of("sgd", "adam", "rmsprop"))
            .add("momentum", FloatParam.of(0.5, 0.99).withWhen(Condition.of("optimizer", "sgd")))
            .add("nesterov", CategoricalParam.of(true, false).withWhen(Condition.of("optimizer", "sgd")))
            .build();

    /** 3 × 4 × 2 = 24 configurations. */
    static final SearchSpace DISCRETE = SearchSpace.builder()
            .add("a", IntParam.of(1, 3))
            .add("b", CategoricalParam.of("w", "x", "y", "z"))
            .add("c", FloatParam.stepped(0.0, 1.0, 1.0))
            .build();

    /** Continuous params only, linear and log. */
    static final SearchSpace CONTINUOUS = SearchSpace.builder()
            .add("x", FloatParam.of(-5, 10))
            .add("y", FloatParam.of(0, 1))
            .add("lr", FloatParam.log(1e-5, 1e-1))
            .build();

    /** Ints only, 4 × 5 = 20 configurations. */
    static final SearchSpace SMALL_INTS = SearchSpace.builder()
            .add("a", IntParam.of(1, 4))
            .add("b", new IntParam(0, 8, false, 2, null))
            .build();

    /**
     * The README's SDK quick-start: one log float, a small int, a categorical and a float that
     * only sgd has, so half the space (adam) is discrete: 4 configurations of it.
     */
    static final SearchSpace QUICK_START = SearchSpace.builder()
            .add("lr", FloatParam.log(1e-4, 1e-1))
            .add("layers", IntParam.of(1, 4))
            .add("optimizer", CategoricalParam.of("adam", "sgd"))
            .add("momentum", FloatParam.of(0.0, 0.99).withWhen(Condition.of("optimizer", "sgd")))
            .build();

    static final Map<String, SearchSpace> SPACES = Map.of("continuous", CONTINUOUS, "small ints", SMALL_INTS,
            "mixed", MIXED, "quick-start", QUICK_START);

    /** The strategy under test, for a space, the experiment's objectives and its seed. */
    protected abstract SearchStrategy create(SearchSpace space, List<Objective> objectives, long seed);

    /** The objectives its experiments have: one by default. */
    protected List<Objective> objectives() {
        return ONE;
    }

    /** Whether it can search {@code space} at all (grid needs a step on every float). */
    protected boolean handles(SearchSpace space) {
        return true;
    }

    /**
     * Whether it proposes a configuration again on purpose, so that a finite space is never
     * exhausted (population-based training continues a member with its own params; its lineage
     * keys still make each proposal distinct). Such a strategy skips the BUDGET_EXHAUSTED checks.
     */
    protected boolean continuesConfigurations() {
        return false;
    }

    private SearchStrategy create(SearchSpace space, long seed) {
        assumeTrue(handles(space), "this strategy does not search such a space");
        return create(space, objectives(), seed);
    }

    /** A made-up loss (and accuracy) so the models have something to learn. */
    static Map<String, Double> evaluate(Map<String, Object> params) {
        double loss = 0;
        for (var e : params.entrySet()) {
            Object v = e.getValue();
            loss += v instanceof Number n ? Math.abs(Math.log1p(Math.abs(n.doubleValue())) - 0.3) : (v.hashCode() % 7) / 7.0;
        }
        return Map.of("loss", loss, "accuracy", 1 / (1 + loss) + (params.size() % 3) * 0.1);
    }

    /** Runs a strategy for n trials, completing each before the next ask. */
    static List<Trial> run(SearchStrategy strategy, SearchSpace space, List<Objective> objectives, long seed, int n) {
        var history = new ArrayList<Trial>();
        for (int number = 0; number < n; number++) {
            var params = strategy.propose(new ProposalContext(space, objectives, seed, number, history));
            history.add(InProcessExperiment.trial(number, space.validate(params), TrialState.COMPLETE, evaluate(params)));
        }
        return history;
    }

    static Map<String, Object> next(SearchStrategy strategy, SearchSpace space, List<Objective> objectives, long seed, List<Trial> history) {
        return strategy.propose(new ProposalContext(space, objectives, seed, history.size(), history));
    }

    @Test
    void theSameSeedAndHistoryGiveTheSameProposals() {
        var first = run(create(MIXED, 7), MIXED, objectives(), 7, 60);
        var second = run(create(MIXED, 7), MIXED, objectives(), 7, 60);
        assertThat(second).extracting(Trial::params).containsExactlyElementsOf(first.stream().map(Trial::params).toList());
        var other = run(create(MIXED, 8), MIXED, objectives(), 8, 60);
        assertThat(other).extracting(Trial::params).isNotEqualTo(first.stream().map(Trial::params).toList());
    }

    @Test
    void aRestartedStrategyContinuesTheSameSequence() {
        var running = create(MIXED, 3);
        var history = run(running, MIXED, objectives(), 3, 70);
        var restarted = create(MIXED, 3);
        for (int extra = 0; extra < 5; extra++) {
            var expected = next(running, MIXED, objectives(), 3, history);
            assertThat(next(restarted, MIXED, objectives(), 3, history)).isEqualTo(expected);
            history.add(InProcessExperiment.trial(history.size(), expected, TrialState.COMPLETE, evaluate(expected)));
        }
    }

    @Test
    void aTrialThatFinishesLateChangesNothingAFreshRebuildWouldNot() {
        var strategy = create(MIXED, 5);
        var history = run(strategy, MIXED, objectives(), 5, 60);
        // Trial 20 was still running while the later ones finished; the strategy has seen that history.
        var late = history.get(20);
        history.set(20, InProcessExperiment.trial(20, late.params(), TrialState.RUNNING, null));
        next(strategy, MIXED, objectives(), 5, history);
        history.set(20, late);
        assertThat(next(strategy, MIXED, objectives(), 5, history))
                .isEqualTo(next(create(MIXED, 5), MIXED, objectives(), 5, history));
    }

    @Test
    void concurrentProposalsFromOneInstanceEqualSequentialOnes() throws Exception {
        var shared = create(MIXED, 19);
        var history = run(create(MIXED, 19), MIXED, objectives(), 19, 60);
        // Each thread asks for a different trial number over a history that grows, as workers do.
        var expected = new ArrayList<Map<String, Object>>();
        var histories = new ArrayList<List<Trial>>();
        var fresh = create(MIXED, 19);
        for (int k = 0; k < 16; k++) {
            var h = List.copyOf(history.subList(0, 40 + k));
            histories.add(h);
            expected.add(next(fresh, MIXED, objectives(), 19, h));
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<java.util.concurrent.Future<Map<String, Object>>>();
            for (int round = 0; round < 4; round++) {
                for (var h : histories) {
                    futures.add(pool.submit(() -> next(shared, MIXED, objectives(), 19, h)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(expected.get(i % histories.size()));
            }
        }
    }

    @Test
    void proposalsStayInBoundsAndRespectConditions() {
        var history = run(create(MIXED, 11), MIXED, objectives(), 11, 120);
        var optimizers = new HashSet<Object>();
        for (Trial t : history) {
            // validate rejects out-of-range values, missing active params and present inactive ones
            assertThat(MIXED.validate(t.params())).isEqualTo(t.params());
            boolean sgd = "sgd".equals(t.params().get("optimizer"));
            assertThat(t.params().containsKey("momentum")).isEqualTo(sgd);
            assertThat(t.params().containsKey("nesterov")).isEqualTo(sgd);
            optimizers.add(t.params().get("optimizer"));
        }
        assertThat(optimizers).containsExactlyInAnyOrder("sgd", "adam", "rmsprop");
    }

    @Test
    void aDiscreteSpaceIsNeverRepeatedUntilExhausted() {
        var strategy = create(DISCRETE, 13);
        var history = run(strategy, DISCRETE, objectives(), 13, 24);
        assertThat(history.stream().map(t -> Configurations.key(t.params())).distinct()).hasSize(24);
        assumeTrue(!continuesConfigurations(), "this strategy continues configurations; it never exhausts a space");
        assertThatThrownBy(() -> next(strategy, DISCRETE, objectives(), 13, history))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED));
    }

    @Test
    void runningTrialsAreNotProposedAgainOnADiscreteSpace() {
        var strategy = create(DISCRETE, 17);
        var history = new ArrayList<Trial>();
        for (int number = 0; number < 24; number++) {
            var params = next(strategy, DISCRETE, objectives(), 17, history);
            // Nothing ever completes: every earlier proposal is still running.
            history.add(InProcessExperiment.trial(number, params, TrialState.RUNNING, null));
        }
        assertThat(history.stream().map(t -> Configurations.key(t.params())).distinct()).hasSize(24);
    }


    /**
     * A history with every state: trials complete, are pruned at a step that grows with their
     * number (with a report), fail, or are still running or waiting when the next is proposed.
     */
    static Trial finished(int number, Map<String, Object> params) {
        var values = evaluate(params);
        TrialState state = switch (number % 6) {
            case 1, 4 -> TrialState.PRUNED;
            case 2 -> TrialState.FAILED;
            case 3 -> TrialState.RUNNING;
            case 5 -> TrialState.WAITING;
            default -> TrialState.COMPLETE;
        };
        var reports = state == TrialState.PRUNED ? List.of(new Report(1 + number % 4, values, null)) : List.<Report>of();
        return new Trial(number + 1, 1, number, params, state, state == TrialState.COMPLETE ? values : null, null, null, reports,
                null, null, null, null, state == TrialState.FAILED ? "diverged" : null, null, null);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"continuous", "small ints", "mixed", "quick-start"})
    void noConfigurationIsProposedTwice(String spaceName) {
        SearchSpace space = SPACES.get(spaceName);
        int n = space == SMALL_INTS ? 20 : space == QUICK_START ? 100 : 80;
        var strategy = create(space, 23);
        var history = new ArrayList<Trial>();
        for (int number = 0; number < n; number++) {
            var params = next(strategy, space, objectives(), 23, history);
            history.add(finished(number, space.validate(params)));
        }
        assertThat(history.stream().map(t -> Configurations.key(t.params())).distinct()).hasSize(n);
        if (space == SMALL_INTS && !continuesConfigurations()) {
            assertThatThrownBy(() -> next(strategy, space, objectives(), 23, history))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED));
        }
    }

    @Test
    void historiesWithEveryStateGiveTheSameProposalsForTheSameSeed() {
        var first = new ArrayList<Trial>();
        var second = new ArrayList<Trial>();
        var a = create(QUICK_START, 29);
        var b = create(QUICK_START, 29);
        for (int number = 0; number < 60; number++) {
            first.add(finished(number, next(a, QUICK_START, objectives(), 29, first)));
            second.add(finished(number, next(b, QUICK_START, objectives(), 29, second)));
        }
        assertThat(second).extracting(Trial::params).containsExactlyElementsOf(first.stream().map(Trial::params).toList());
    }
}
