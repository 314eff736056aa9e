package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Report;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TpeSearchTest {
    static final SearchSpace LINE = SearchSpace.builder().add("x", FloatParam.of(0, 1)).build();

    static Trial pruned(int number, double x) {
        return new Trial(number + 1, 1, number, Map.of("x", x), TrialState.PRUNED, null, null, null,
                List.of(new Report(2, Map.of("loss", Math.abs(x - 0.8)), null)), null, null, null, null, null, null, null);
    }

    static Trial failed(int number, double x) {
        return new Trial(number + 1, 1, number, Map.of("x", x), TrialState.FAILED, null, null, null, null,
                null, null, null, null, "diverged", null, null);
    }

    static SearchStrategy tpe(String learnFrom) {
        return Strategies.create(new StrategySpec("tpe", 1L, Map.of("learn_from", learnFrom)), LINE, StrategyContract.ONE, 1);
    }

    /** Every trial is pruned at step 2 with loss |x − 0.8|; 20 proposals after 30 such trials. */
    static double[] proposalsAfterPrunedTrials(SearchStrategy strategy) {
        var history = new ArrayList<Trial>();
        for (int k = 0; k < 30; k++) {
            history.add(pruned(k, (k + 0.5) / 30));
        }
        double[] xs = new double[20];
        for (int k = 0; k < xs.length; k++) {
            var params = strategy.propose(new ProposalContext(LINE, StrategyContract.ONE, 1, history.size(), history));
            xs[k] = ((Number) params.get("x")).doubleValue();
            history.add(pruned(history.size(), xs[k]));
        }
        return xs;
    }

    @Test
    void prunedTrialsTeachWhereTheGoodRegionIs() {
        double[] xs = proposalsAfterPrunedTrials(tpe("all"));
        Arrays.sort(xs);
        assertThat(xs[xs.length / 2]).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void learningFromCompleteTrialsAloneStaysQuasiRandomWithoutThem() {
        double[] xs = proposalsAfterPrunedTrials(tpe("complete"));
        double[] sobol = proposalsAfterPrunedTrials(new SobolSearch());
        assertThat(xs).containsExactly(sobol);
    }

    @Test
    void failedTrialsAreNeverInTheGoodGroup() {
        var history = new ArrayList<Trial>();
        history.add(pruned(0, 0.3));
        for (int k = 1; k < 30; k++) {
            history.add(failed(k, k / 30.0));
        }
        var context = new ProposalContext(LINE, StrategyContract.ONE, 1, history.size(), history);
        var ranked = TpeSearch.ranked(Observation.of(context, new UnitSpace(LINE), null, false));
        var split = TpeSearch.Split.of(ranked, 0);
        assertThat(split.below()).extracting(o -> o.trial().number()).containsExactly(0);
        assertThat(split.above()).hasSize(29);
    }

    @Test
    void anUnknownLearnFromIsRejected() {
        assertThatThrownBy(() -> tpe("pruned"))
                .isInstanceOf(TunelabException.class)
                .hasMessageContaining("learn_from").hasMessageContaining("complete");
    }
}
