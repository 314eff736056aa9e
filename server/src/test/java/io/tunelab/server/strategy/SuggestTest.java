package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.Condition;
import io.tunelab.api.FloatParam;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Seeds;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Define-by-run: a param the trial's code defines while running, suggested by the strategy. */
class SuggestTest {
    static final FloatParam LR = FloatParam.log(1e-5, 1e-1);

    /** 60 completed trials whose loss is smallest at lr = 0.01; half of them never defined lr. */
    static List<Trial> history() {
        var rng = Seeds.forTrial(5, 0, "history");
        var out = new ArrayList<Trial>();
        for (int n = 0; n < 60; n++) {
            var params = new LinkedHashMap<String, Object>();
            params.put("optimizer", n % 2 == 0 ? "sgd" : "adam");
            double loss = 1;
            if (n % 2 == 0) {
                double lr = (Double) Sampling.sample(LR, rng);
                params.put("lr", lr);
                loss = Math.abs(Math.log10(lr) + 2);
            }
            out.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", loss)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "cmaes", "gp", "auto"})
    void suggestionsLearnFromTheTrialsThatDefinedTheParam(String name) {
        var space = SearchSpace.builder().add("optimizer", CategoricalParam.of("sgd", "adam")).build();
        var strategy = Strategies.create(new StrategySpec(name, 5L, Map.of()), space, StrategyContract.ONE, 5);
        var grown = space.with("lr", LR.withWhen(Condition.of("optimizer", "sgd")));
        var history = history();
        int near = 0;
        for (int number = 60; number < 100; number++) {
            var context = new ProposalContext(grown, StrategyContract.ONE, 5, number, history);
            double lr = (Double) strategy.suggest(context, "lr", grown.get("lr"));
            assertThat(lr).isBetween(LR.low(), LR.high());
            assertThat(strategy.suggest(context, "lr", grown.get("lr"))).as("deterministic").isEqualTo(lr);
            near += Math.abs(Math.log10(lr) + 2) < 0.5 ? 1 : 0;
        }
        // A uniform draw in log space lands within half a decade of 0.01 a quarter of the time.
        assertThat(near).isGreaterThan(20);
    }
}
