package io.tunelab.server.analysis;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.ParamImportance;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParamImportancesTest {
    private static final ExperimentSpec THREE_FLOATS = ExperimentSpec.builder("synthetic").minimize("loss")
            .param("x1", FloatParam.of(0, 1)).param("x2", FloatParam.of(0, 1)).param("x3", FloatParam.of(0, 1)).build();

    @Test
    void theOrderFollowsTheCoefficientsOfALinearFunction() {
        var trials = sample(THREE_FLOATS, 200, 1, p -> 10 * x(p, "x1") + x(p, "x2") + 0 * x(p, "x3"));

        ParamImportance result = ParamImportances.of("synthetic", THREE_FLOATS, 7, 0, trials);

        assertThat(result.reason()).isNull();
        assertThat(result.params()).extracting(ParamImportance.Share::param).containsExactly("x1", "x2", "x3");
        assertThat(share(result, "x1")).isGreaterThan(0.8);
        assertThat(share(result, "x3")).isLessThan(0.05);
        assertThat(result.params().stream().mapToDouble(ParamImportance.Share::importance).sum()).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.trials()).isEqualTo(200);
        assertThat(result.method()).isEqualTo("fanova");
    }

    @Test
    void twoParamsThatOnlyActTogetherShareTheImportanceAndTheBystanderHasNone() {
        var trials = sample(THREE_FLOATS, 200, 2, p -> x(p, "x1") * x(p, "x2"));

        ParamImportance result = ParamImportances.of("synthetic", THREE_FLOATS, 7, 0, trials);

        assertThat(share(result, "x1")).isBetween(0.3, 0.7);
        assertThat(share(result, "x2")).isBetween(0.3, 0.7);
        assertThat(share(result, "x3")).isLessThan(0.1);
    }

    @Test
    void aCategoricalAndALogScaledParamAreAssessed() {
        var spec = ExperimentSpec.builder("mixed").minimize("loss").param("optimizer", CategoricalParam.of("sgd", "adam", "rmsprop"))
                .param("lr", FloatParam.log(1e-4, 1)).param("layers", IntParam.of(1, 4)).build();
        var trials = sample(spec, 200, 3, p -> (p.get("optimizer").equals("sgd") ? 5 : 0) + Math.log10((double) p.get("lr")) * 0.3);

        ParamImportance result = ParamImportances.of("mixed", spec, 7, 0, trials);

        assertThat(result.params()).extracting(ParamImportance.Share::param).containsExactly("optimizer", "lr", "layers");
    }

    @Test
    void aConditionalParamMissingFromSomeTrialsIsNotAssessed() {
        var spec = ExperimentSpec.builder("conditional").minimize("loss").param("optimizer", CategoricalParam.of("sgd", "adam"))
                .param("momentum", FloatParam.of(0, 1).withWhen(Condition.of("optimizer", "sgd"))).param("x", FloatParam.of(0, 1)).build();
        var trials = sample(spec, 60, 4, p -> x(p, "x"));

        ParamImportance result = ParamImportances.of("conditional", spec, 7, 0, trials);

        assertThat(result.notAssessed()).containsExactly("momentum");
        assertThat(result.params()).extracting(ParamImportance.Share::param).containsExactly("x", "optimizer");
    }

    @Test
    void onlyCompleteTrialsAreFittedAndTheOthersAreCounted() {
        var trials = new ArrayList<>(sample(THREE_FLOATS, 30, 5, p -> x(p, "x1")));
        trials.add(trial(31, Map.of("x1", 0.5, "x2", 0.5, "x3", 0.5), TrialState.PRUNED, 100.0));
        trials.add(trial(32, Map.of("x1", 0.5, "x2", 0.5, "x3", 0.5), TrialState.FAILED, null));
        trials.add(trial(33, Map.of("x1", 0.5, "x2", 0.5, "x3", 0.5), TrialState.RUNNING, null));

        ParamImportance result = ParamImportances.of("synthetic", THREE_FLOATS, 7, 0, trials);

        assertThat(result.trials()).isEqualTo(30);
        assertThat(result.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(TrialState.PRUNED, 1, TrialState.FAILED, 1));
    }

    @Test
    void theSameSeedGivesTheSameImportances() {
        var trials = sample(THREE_FLOATS, 50, 6, p -> 3 * x(p, "x1") + x(p, "x2") * x(p, "x3"));

        assertThat(ParamImportances.of("synthetic", THREE_FLOATS, 11, 0, trials))
                .isEqualTo(ParamImportances.of("synthetic", THREE_FLOATS, 11, 0, trials));
    }

    @Test
    void tooFewCompleteTrialsGiveAReasonAndNoImportances() {
        var trials = sample(THREE_FLOATS, 1, 7, p -> x(p, "x1"));

        ParamImportance result = ParamImportances.of("synthetic", THREE_FLOATS, 7, 0, trials);

        assertThat(result.params()).isEmpty();
        assertThat(result.reason()).contains("at least 2 complete trials").contains("there is 1");
    }

    @Test
    void anObjectiveThatNeverVariesGivesAReason() {
        var trials = sample(THREE_FLOATS, 20, 8, p -> 1.0);

        ParamImportance result = ParamImportances.of("synthetic", THREE_FLOATS, 7, 0, trials);

        assertThat(result.params()).isEmpty();
        assertThat(result.reason()).contains("does not vary");
    }

    @Test
    void anObjectiveIndexOutOfRangeNamesTheFieldAndTheRange() {
        assertThatThrownBy(() -> ParamImportances.of("synthetic", THREE_FLOATS, 7, 1, List.of()))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("objective must be").hasMessageContaining("from 0 to 0").hasMessageContaining("got 1");
    }

    // ------------------------------------------------------------------ synthetic trials

    static double x(Map<String, Object> params, String name) {
        return ((Number) params.get(name)).doubleValue();
    }

    @Test
    void anExperimentWithMoreCompleteTrialsThanTheCapIsSampledDownTheSameWayEveryTime() {
        List<Trial> many = sample(THREE_FLOATS, ParamImportances.MAX_TRIALS + 50, 3, p -> (double) p.get("x1"));
        List<Trial> picked = ParamImportances.sample(many, ParamImportances.MAX_TRIALS, 11);
        assertThat(picked).hasSize(ParamImportances.MAX_TRIALS).isSortedAccordingTo(java.util.Comparator.comparingInt(Trial::number));
        assertThat(ParamImportances.sample(many, ParamImportances.MAX_TRIALS, 11)).as("seeded").isEqualTo(picked);
        assertThat(ParamImportances.sample(many, ParamImportances.MAX_TRIALS, 12)).as("another seed, another sample").isNotEqualTo(picked);
        assertThat(ParamImportances.sample(many.subList(0, 5), ParamImportances.MAX_TRIALS, 11)).containsExactlyElementsOf(many.subList(0, 5));
    }

    private static double share(ParamImportance result, String param) {
        return result.params().stream().filter(s -> s.param().equals(param)).findFirst().orElseThrow().importance();
    }

    /** Complete trials at random points of the spec's space (conditional params only where active), valued by f. */
    static List<Trial> sample(ExperimentSpec spec, int n, long seed, ToDoubleFunction<Map<String, Object>> f) {
        var random = new SplittableRandom(seed);
        var trials = new ArrayList<Trial>();
        for (int i = 0; i < n; i++) {
            var params = new LinkedHashMap<String, Object>();
            for (String name : spec.space().names()) {
                if (!spec.space().isActive(name, params)) {
                    continue;
                }
                params.put(name, switch (spec.space().get(name)) {
                    case FloatParam p when p.log() -> Math.exp(random.nextDouble(Math.log(p.low()), Math.log(p.high())));
                    case FloatParam p -> random.nextDouble(p.low(), p.high());
                    case IntParam p -> random.nextInt(p.low(), p.high() + 1);
                    case CategoricalParam p -> p.choices().get(random.nextInt(p.choices().size()));
                });
            }
            trials.add(trial(i, params, TrialState.COMPLETE, f.applyAsDouble(params)));
        }
        return trials;
    }

    private static Trial trial(int number, Map<String, Object> params, TrialState state, Double loss) {
        return new Trial(100 + number, 1, number, params, state, loss == null ? Map.of() : Map.of("loss", loss),
                null, null, null, null, null, null, null, null, null, null);
    }
}
