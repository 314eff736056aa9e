package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoRepeatsTest {
    static final SearchSpace SPACE = StrategyContract.QUICK_START;

    /** A strategy that always proposes the same configuration, through the guard. */
    static List<Map<String, Object>> stubborn(SearchSpace space, Map<String, Object> always, int n, TrialState state) {
        var history = new ArrayList<Trial>();
        var out = new ArrayList<Map<String, Object>>();
        for (int number = 0; number < n; number++) {
            var context = new ProposalContext(space, StrategyContract.ONE, 5, number, history);
            var params = NoRepeats.propose(context, "stubborn", attempt -> always);
            out.add(params);
            history.add(InProcessExperiment.trial(number, params, state, state == TrialState.COMPLETE ? Map.of("loss", 1.0) : null));
        }
        return out;
    }

    @Test
    void aRepeatedProposalIsMovedToAnUnproposedOneDeterministically() {
        var always = Map.<String, Object>of("lr", 0.01, "layers", 2, "optimizer", "adam");
        for (var state : TrialState.values()) {
            var proposals = stubborn(SPACE, always, 40, state);
            assertThat(proposals.getFirst()).isEqualTo(always);
            assertThat(proposals.stream().map(Configurations::key).distinct()).hasSize(40);
            assertThat(stubborn(SPACE, always, 40, state)).isEqualTo(proposals);
            proposals.forEach(p -> assertThat(SPACE.validate(p)).isEqualTo(p));
        }
    }

    @Test
    void theFirstFallbackIsTheSmallestStepAway() {
        var space = SearchSpace.builder().add("a", IntParam.of(1, 9)).add("b", CategoricalParam.of("x", "y", "z")).build();
        var proposals = stubborn(space, Map.of("a", 5, "b", "y"), 2, TrialState.COMPLETE);
        var second = proposals.get(1);
        int moved = Math.abs((Integer) second.get("a") - 5) + (second.get("b").equals("y") ? 0 : 1);
        assertThat(moved).isEqualTo(1);
    }

    @Test
    void aNudgedFloatStaysCloseButDiffers() {
        var f = FloatParam.of(0.0, 1.0);
        assertThat((double) NoRepeats.neighbour(f, 0.5, 1)).isGreaterThan(0.5).isLessThan(0.5 + 1e-5);
        assertThat(NoRepeats.neighbour(f, 1.0, 1)).isNull();
        assertThat(NoRepeats.neighbour(FloatParam.stepped(0, 1, 0.25), 0.5, -1)).isEqualTo(0.25);
        assertThat(NoRepeats.neighbour(IntParam.of(1, 3), 3, 1)).isNull();
        assertThat(NoRepeats.neighbour(CategoricalParam.of("a", "b"), "a", 1)).isEqualTo("b");
    }

    @Test
    void anExhaustedDiscreteSpaceSaysSo() {
        var space = SearchSpace.builder().add("a", IntParam.of(1, 3)).add("b", CategoricalParam.of(true, false)).build();
        var proposals = stubborn(space, Map.of("a", 1, "b", true), 6, TrialState.FAILED);
        assertThat(proposals.stream().map(Configurations::key).distinct()).hasSize(6);
        assertThatThrownBy(() -> stubborn(space, Map.of("a", 1, "b", true), 7, TrialState.FAILED))
                .isInstanceOfSatisfying(TunelabException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXHAUSTED);
                    assertThat(e.getMessage()).contains("every configuration").contains("widen the space");
                });
    }

    @Test
    void keysAreCanonical() {
        var ordered = new LinkedHashMap<String, Object>();
        ordered.put("a", 3);
        ordered.put("b", "x");
        var reversed = new LinkedHashMap<String, Object>();
        reversed.put("b", "x");
        reversed.put("a", 3.0);
        assertThat(Configurations.key(ordered)).isEqualTo(Configurations.key(reversed));
        assertThat(Configurations.key(Map.of("a", "3.0"))).isNotEqualTo(Configurations.key(Map.of("a", 3.0)));
        var seen = Configurations.Seen.of(List.of(ordered, Map.of("a", "3.0")));
        assertThat(seen.contains(reversed)).isTrue();
        assertThat(seen.contains(Map.of("a", 3))).isFalse();
        assertThat(seen.contains(Map.of("a", 3.0, "b", "y"))).isFalse();
    }

    @Test
    void aMutatedChildNeverKeepsItsOnlyMutatedParam() {
        var space = SearchSpace.builder().add("a", IntParam.of(1, 4)).add("b", CategoricalParam.of("x", "y", "z")).build();
        var unit = new UnitSpace(space);
        // No crossover, one param mutated per child: every child of a parent with itself must differ from it.
        var variation = new Variation(unit, new Variation.Settings(0.0, 0.0, 0.05, false));
        var rng = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            var parent = unit.decode(UnitSpace.uniform(2, rng));
            var o = new Observation(InProcessExperiment.trial(k, parent, TrialState.COMPLETE, Map.of("loss", 1.0)),
                    unit.encode(parent), new double[]{1.0}, Observation.COMPLETE, 0);
            var genotype = variation.genotype(o, 1);
            assertThat(unit.decode(variation.child(genotype, genotype, rng))).isNotEqualTo(parent);
        }
    }
}
