package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PbtSearchTest {
    static final SearchSpace SPACE = SearchSpace.builder()
            .add("lr", FloatParam.log(1e-4, 1e-1))
            .add("dropout", FloatParam.of(0.0, 0.5))
            .add("batch", IntParam.of(16, 64))
            .add("act", CategoricalParam.of("relu", "tanh"))
            .build();
    static final List<Objective> MAX = List.of(Objective.maximize("accuracy"));

    static SearchStrategy pbt(Map<String, Object> options) {
        return Strategies.create(new StrategySpec("pbt", 1L, options), SPACE, MAX, 1);
    }

    static final Map<String, Object> FOUR = Map.of("population", 4, "ready", 3, "quantile", 0.25, "factors", List.of(0.8, 1.2),
            "resample_probability", 0.0);

    /** Generation 0 of four members, complete with accuracies 0.9, 0.5, 0.7, 0.8 (member 1 is worst). */
    static List<Trial> generationZero(SearchStrategy s) {
        var history = new ArrayList<Trial>();
        double[] accuracy = {0.9, 0.5, 0.7, 0.8};
        for (int n = 0; n < 4; n++) {
            var params = s.propose(new ProposalContext(SPACE, MAX, 1, n, history));
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("accuracy", accuracy[n])));
        }
        return history;
    }

    static Map<String, Object> next(SearchStrategy s, List<Trial> history, int number) {
        return s.propose(new ProposalContext(SPACE, MAX, 1, number, history));
    }

    @Test
    void generationZeroStartsAfreshWithLineageKeys() {
        var history = generationZero(pbt(FOUR));
        for (Trial t : history) {
            assertThat(t.params()).doesNotContainKey(PbtSearch.PARENT)
                    .containsEntry(PbtSearch.GENERATION, 0).containsEntry(PbtSearch.START_EPOCH, 0)
                    .containsEntry(PbtSearch.EPOCHS, 3).containsEntry(PbtSearch.MEMBER, t.number());
            assertThat(SPACE.validate(t.params())).isEqualTo(t.params());
        }
    }

    @Test
    void membersAboveTheBottomQuantileContinueThemselves() {
        var s = pbt(FOUR);
        var history = generationZero(s);
        for (int m : new int[]{0, 2, 3}) {
            var params = next(s, history, 4 + m);
            Trial self = history.get(m);
            assertThat(params).containsEntry(PbtSearch.PARENT, self.id()).containsEntry(PbtSearch.GENERATION, 1)
                    .containsEntry(PbtSearch.START_EPOCH, 3);
            assertThat(PbtSearch.strip(params)).isEqualTo(PbtSearch.strip(self.params()));
        }
    }

    @Test
    void theBottomMemberExploitsTheTopMemberWithPerturbedFloats() {
        var s = pbt(FOUR);
        var history = generationZero(s);
        var params = next(s, history, 5);
        Trial top = history.getFirst();
        assertThat(params).containsEntry(PbtSearch.PARENT, top.id()).containsEntry(PbtSearch.START_EPOCH, 3);
        double ratio = (double) params.get("lr") / (double) top.params().get("lr");
        assertThat(Math.min(Math.abs(ratio - 0.8), Math.abs(ratio - 1.2))).isLessThan(1e-9);
        // resample_probability 0: ints and categoricals are the donor's
        assertThat(params.get("batch")).isEqualTo(top.params().get("batch"));
        assertThat(params.get("act")).isEqualTo(top.params().get("act"));
        assertThat(SPACE.validate(params)).isEqualTo(params);
    }

    @Test
    void resamplingWithProbabilityOneRedrawsIntsAndCategoricalsWithinBounds() {
        var options = new java.util.HashMap<>(FOUR);
        options.put("resample_probability", 1.0);
        var s = pbt(options);
        var history = generationZero(s);
        var seen = new java.util.HashSet<Object>();
        for (int seed = 0; seed < 20; seed++) {
            var params = s.propose(new ProposalContext(SPACE, MAX, seed, 5, history));
            assertThat(SPACE.validate(params)).isEqualTo(params);
            seen.add(params.get("batch"));
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    @Test
    void aMemberWhosePredecessorIsStillRunningExploitsAFinishedOne() {
        var s = pbt(FOUR);
        var history = new ArrayList<>(generationZero(s));
        Trial running = history.get(2);
        history.set(2, InProcessExperiment.trial(2, running.params(), TrialState.RUNNING, null));
        var params = next(s, history, 6);
        assertThat(params.get(PbtSearch.PARENT)).isEqualTo(history.getFirst().id());
    }

    @Test
    void lineageCarriesTheEpochsAlongGenerations() {
        var s = pbt(FOUR);
        var history = new ArrayList<>(generationZero(s));
        for (int n = 4; n < 8; n++) {
            var params = next(s, history, n);
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("accuracy", 0.5 + n / 100.0)));
        }
        var params = next(s, history, 11);
        assertThat(params).containsEntry(PbtSearch.GENERATION, 2).containsEntry(PbtSearch.START_EPOCH, 6)
                .containsEntry(PbtSearch.PARENT, history.get(7).id());
    }

    @Test
    void theSameHistoryAndSeedGiveTheSameProposal() {
        var history = generationZero(pbt(FOUR));
        assertThat(next(pbt(FOUR), history, 5)).isEqualTo(next(pbt(FOUR), history, 5));
    }

    @Test
    void aQuantileAboveAHalfIsRefusedNamingTheField() {
        assertThatThrownBy(() -> pbt(Map.of("quantile", 0.7))).isInstanceOf(TunelabException.class)
                .hasMessageContaining("strategy.options.quantile").hasMessageContaining("at most 0.5").hasMessageContaining("0.7");
        assertThatThrownBy(() -> pbt(Map.of("quantile", 0))).hasMessageContaining("strategy.options.quantile");
    }

    @Test
    void badFactorsPopulationAndUnknownOptionsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> pbt(Map.of("factors", List.of(0.8, -1)))).hasMessageContaining("strategy.options.factors");
        assertThatThrownBy(() -> pbt(Map.of("factors", List.of("x")))).hasMessageContaining("strategy.options.factors");
        assertThatThrownBy(() -> pbt(Map.of("population", 1))).hasMessageContaining("strategy.options.population");
        assertThatThrownBy(() -> pbt(Map.of("resample_probability", 2))).hasMessageContaining("strategy.options.resample_probability");
        assertThatThrownBy(() -> pbt(Map.of("readiness", 2))).hasMessageContaining("unknown field");
    }

    @Test
    void aSpaceMayNotDefineALineageKey() {
        assertThatThrownBy(() -> SearchSpace.builder().add("pbt.parent", IntParam.of(1, 2)).build())
                .isInstanceOf(TunelabException.class).hasMessageContaining("\"pbt.parent\"").hasMessageContaining("reserved");
    }
}
