package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProposedConfigurations} answers as a scan of the history would ({@link Configurations.Seen#of}),
 * a snapshot keeps answering for the history it was taken with, and strategies propose the same
 * with it as without it, after a rebuild too.
 */
class ProposedConfigurationsTest {
    /** Ints, floats, mixed-type categoricals: 3 × 2 × 4 = 24 configurations, so repeats are drawn often. */
    static final SearchSpace SMALL = SearchSpace.builder()
            .add("n", IntParam.of(1, 3))
            .add("x", FloatParam.stepped(0.0, 0.5, 0.5))
            .add("c", CategoricalParam.of(1, "1", true, 2.5))
            .build();
    static final int GRID = 24;

    static ProposedConfigurations of(List<Map<String, Object>> configurations) {
        var proposed = new ProposedConfigurations();
        configurations.forEach(proposed::add);
        return proposed;
    }

    @Test
    void equalConfigurationsAreProposedWhateverTheirNumberTypesAndOrder() {
        var seen = of(ConfigurationsTest.HISTORY).snapshot();
        assertThat(seen.contains(Map.of("optimizer", "adam", "layers", 2.0, "lr", 0.01))).isTrue();
        assertThat(seen.contains(Map.of("layers", 4L, "optimizer", "sgd"))).isTrue();
        assertThat(seen.contains(Map.of("optimizer", "rmsprop"))).isTrue();
        assertThat(seen.contains(Map.of("units", -0.0))).isTrue();
    }

    @Test
    void differentConfigurationsAreNot() {
        var seen = of(ConfigurationsTest.HISTORY).snapshot();
        assertThat(seen.contains(Map.of("lr", 0.01, "layers", 2, "optimizer", "sgd"))).as("one param differs").isFalse();
        assertThat(seen.contains(Map.of("lr", 0.01, "layers", 2))).as("a param fewer").isFalse();
        assertThat(seen.contains(Map.of("optimizer", "sgd", "layers", "4"))).as("a string is not a number").isFalse();
        assertThat(seen.contains(Map.of("units", 0.0))).as("-0.0 and 0.0 differ in their bits").isFalse();
        assertThat(seen.contains(Map.of("lr", Math.nextUp(0.01), "layers", 2, "optimizer", "adam"))).as("one ulp apart").isFalse();
        assertThat(of(List.of(Map.of("c", true))).snapshot().contains(Map.of("c", "true"))).as("a boolean is not a string").isFalse();
        assertThat(of(List.of(Map.of("c", 1))).snapshot().contains(Map.of("c", "1"))).as("a number is not a string").isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void itAgreesWithAScanOnRandomMixedConfigurations(long seed) {
        var rng = new SplittableRandom(seed);
        List<Object> choices = List.of(1, 1L, 1.0, "1", true, "true", 0.0, -0.0, 0.1 + 0.2, 0.3);
        var history = new ArrayList<Map<String, Object>>();
        var proposed = new ProposedConfigurations();
        for (int i = 0; i < 400; i++) {
            var probe = new LinkedHashMap<String, Object>();
            probe.put("c", choices.get(rng.nextInt(choices.size())));
            probe.put("n", rng.nextInt(3));
            if (rng.nextBoolean()) {
                probe.put("x", rng.nextInt(2) / 2.0);
            }
            boolean expected = Configurations.Seen.of(history).contains(probe);
            assertThat(proposed.snapshot().contains(probe)).as(Configurations.key(probe)).isEqualTo(expected);
            history.add(probe);
            proposed.add(probe);
        }
    }

    @Test
    void aSnapshotAnswersForTheTrialsAsTheyWereWhenTaken() {
        var proposed = of(List.of(Map.of("a", 1)));
        var before = proposed.snapshot();
        proposed.add(Map.of("a", 2));
        proposed.change(Map.of("a", 1), Map.of("a", 1, "b", "x"));
        var after = proposed.snapshot();

        assertThat(before.contains(Map.of("a", 1))).isTrue();
        assertThat(before.contains(Map.of("a", 2))).as("added after the snapshot").isFalse();
        assertThat(before.contains(Map.of("a", 1, "b", "x"))).as("changed after the snapshot").isFalse();
        assertThat(after.contains(Map.of("a", 1))).as("no trial has it any more").isFalse();
        assertThat(after.contains(Map.of("a", 2))).isTrue();
        assertThat(after.contains(Map.of("a", 1.0, "b", "x"))).isTrue();
    }

    @Test
    void aChangeSupersedesOneTrialOfAConfigurationTwoTrialsHave() {
        var proposed = of(List.of(Map.of("a", 1), Map.of("a", 1.0)));
        proposed.change(Map.of("a", 1), Map.of("a", 1, "b", 2));
        assertThat(proposed.snapshot().contains(Map.of("a", 1))).as("the other trial still has it").isTrue();
        proposed.change(Map.of("a", 1.0), Map.of("a", 1, "b", 3));
        assertThat(proposed.snapshot().contains(Map.of("a", 1))).isFalse();
    }

    /**
     * Every built-in strategy, on a space small enough to collide and then to run out (but pbt,
     * which continues configurations and never runs out): the
     * proposals with the set kept trial by trial equal those answered by a scan of the history, and
     * a set rebuilt mid-way from the history in another order (a restart) goes on with the same.
     */
    @Test
    void strategiesProposeTheSameWithTheSetKeptRebuiltOrScanned() {
        for (String name : Strategies.NAMES) {
            var objectives = name.equals("nsga2") ? StrategyContract.TWO : StrategyContract.ONE;
            var history = new ArrayList<Trial>();
            var kept = new ProposedConfigurations();
            for (int number = 0; number < GRID + 1; number++) {
                var strategy = Strategies.create(new StrategySpec(name, 11L, Map.of()), SMALL, objectives, 11);
                var scanned = propose(strategy, new ProposalContext(SMALL, objectives, 11, number, history));
                var keptProposal = propose(strategy, new ProposalContext(SMALL, objectives, 11, number, history, kept.snapshot()));
                var shuffled = new ArrayList<>(history);
                Collections.shuffle(shuffled, new Random(number));
                var rebuilt = of(shuffled.stream().map(Trial::params).toList());
                var rebuiltProposal = propose(strategy, new ProposalContext(SMALL, objectives, 11, number, history, rebuilt.snapshot()));
                assertThat(keptProposal).as(name + " trial " + number).isEqualTo(scanned);
                assertThat(rebuiltProposal).as(name + " trial " + number + " after a rebuild").isEqualTo(scanned);
                if (scanned == null) {
                    break;
                }
                var params = SMALL.validate(scanned);
                history.add(StrategyContract.finished(number, params));
                kept.add(params);
            }
            if (name.equals("pbt")) {
                // Population-based training continues a member's configuration on purpose: it
                // never exhausts a space, and its proposals repeat (the contract suite says so).
                assertThat(history).as(name).hasSize(GRID + 1);
                continue;
            }
            assertThat(history).as(name).hasSize(GRID);
            assertThat(history.stream().map(t -> Configurations.key(t.params())).distinct()).as(name).hasSize(GRID);
        }
    }

    /** The proposal, or null when the space is exhausted. */
    private static Map<String, Object> propose(SearchStrategy strategy, ProposalContext context) {
        try {
            return strategy.propose(context);
        } catch (TunelabException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED);
            return null;
        }
    }
}
