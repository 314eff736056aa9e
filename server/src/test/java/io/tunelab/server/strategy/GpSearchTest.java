package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Report;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tunelab.server.strategy.StrategiesTest.assertInvalid;
import static io.tunelab.server.strategy.StrategiesTest.create;
import static org.assertj.core.api.Assertions.assertThat;

class GpSearchTest {
    private static final SearchSpace SQUARE = SearchSpace.builder().add("x", FloatParam.of(-2, 2)).add("y", FloatParam.of(-2, 2)).build();

    private static double bowl(Map<String, Object> p) {
        double x = (Double) p.get("x") - 0.7;
        double y = (Double) p.get("y") + 1.1;
        return x * x + 3 * y * y;
    }

    @Test
    void itHomesInOnASmoothBowlFarBetterThanItsSobolStart() {
        var gp = new GpSearch(10, 100, false);
        var history = new ArrayList<Trial>();
        double bestOfStart = Double.POSITIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        for (int n = 0; n < 30; n++) {
            var params = gp.propose(new ProposalContext(SQUARE, StrategyContract.ONE, 5, n, history));
            double loss = bowl(params);
            best = Math.min(best, loss);
            bestOfStart = n < 10 ? best : bestOfStart;
            history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", loss)));
        }
        assertThat(best).isLessThan(1e-3).isLessThan(bestOfStart / 100);
    }

    @Test
    void workersAskingBeforeAnyTellGetTrialsInDifferentPlacesAndARestartProposesTheSame() {
        var box = SearchSpace.builder().add("x", FloatParam.of(-5, 10)).add("y", FloatParam.of(0, 15)).build();
        int places = 0;
        for (long seed = 0; seed < 8; seed++) {
            var gp = new GpSearch(10, 100, false);
            var history = new ArrayList<Trial>();
            for (int n = 0; n < 20; n++) {
                var params = gp.propose(new ProposalContext(box, StrategyContract.ONE, seed, n, history));
                history.add(InProcessExperiment.trial(n, params, TrialState.COMPLETE, Map.of("loss", branin(params))));
            }
            // Eight workers ask before any of them tells: each earlier proposal is still running.
            var batch = new ArrayList<double[]>();
            Map<String, Object> last = null;
            for (int n = 20; n < 28; n++) {
                last = gp.propose(new ProposalContext(box, StrategyContract.ONE, seed, n, history));
                history.add(InProcessExperiment.trial(n, last, TrialState.RUNNING, null));
                batch.add(new double[]{((Double) last.get("x") + 5) / 15, (Double) last.get("y") / 15});
            }
            int distinct = 0;
            for (int i = 0; i < batch.size(); i++) {
                boolean near = false;
                for (int j = 0; j < i; j++) {
                    near |= Math.hypot(batch.get(i)[0] - batch.get(j)[0], batch.get(i)[1] - batch.get(j)[1]) < 1e-3;
                }
                distinct += near ? 0 : 1;
            }
            assertThat(distinct).as("places (1e-3 of the range apart) among 8 proposals, seed %d", seed).isGreaterThanOrEqualTo(4);
            places += distinct;
            var before = history.subList(0, 27);
            assertThat(new GpSearch(10, 100, false).propose(new ProposalContext(box, StrategyContract.ONE, seed, 27, before))).isEqualTo(last);
        }
        // Without the running trials in the model most of the eight are copies of one or two
        // points, moved by the smallest nudge that makes them new: 21 places in all on these seeds.
        assertThat(places).isGreaterThanOrEqualTo(48);
    }

    private static double branin(Map<String, Object> p) {
        double x = (Double) p.get("x");
        double y = (Double) p.get("y");
        double b = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return b * b + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    }

    @Test
    void prunedTrialsNeverLookBetterThanTheBestCompleteOneAndFailedOnesTakeTheWorstValue() {
        var unit = new UnitSpace(SQUARE);
        var history = List.of(
                InProcessExperiment.trial(0, Map.of("x", 0.0, "y", 0.0), TrialState.COMPLETE, Map.of("loss", 2.0)),
                InProcessExperiment.trial(1, Map.of("x", 1.0, "y", 0.0), TrialState.COMPLETE, Map.of("loss", 5.0)),
                new Trial(3, 1, 2, Map.of("x", 0.5, "y", 0.5), TrialState.PRUNED, null, null, null,
                        List.of(new Report(3, Map.of("loss", 0.5), null)), null, null, null, null, null, null, null),
                new Trial(4, 1, 3, Map.of("x", -1.0, "y", 0.5), TrialState.FAILED, null, null, null, List.of(),
                        null, null, null, null, "diverged", null, null));
        var context = new ProposalContext(SQUARE, StrategyContract.ONE, 1, 4, history);
        var data = GpSearch.Data.of(Observation.of(context, unit, null, false), false);
        // Standardised: complete 2 and 5, pruned max(0.5, 2) = 2, failed the worst, 5.
        assertThat(data.y()[2]).isEqualTo(data.y()[0]);
        assertThat(data.y()[3]).isEqualTo(data.y()[1]);
        assertThat(data.best()).isEqualTo(data.y()[0]);
    }

    @Test
    void theModelKeepsTheBestHalfAndTheMostRecent() {
        var history = new ArrayList<Trial>();
        for (int n = 0; n < 10; n++) {
            history.add(InProcessExperiment.trial(n, Map.of("x", n * 0.1, "y", 0.0), TrialState.COMPLETE, Map.of("loss", (double) (n % 5))));
        }
        var observations = Observation.of(new ProposalContext(SQUARE, StrategyContract.ONE, 1, 10, history), new UnitSpace(SQUARE), null, false);
        var kept = GpSearch.select(observations, 4).stream().map(o -> o.trial().number()).toList();
        assertThat(kept).containsExactly(0, 5, 8, 9);
    }

    @Test
    void hyperparametersAreRefittedEveryTrialAtFirstThenLessOften() {
        assertThat(GpSearch.checkpoint(7)).isEqualTo(7);
        assertThat(GpSearch.checkpoint(40)).isEqualTo(40);
        assertThat(GpSearch.checkpoint(41)).isEqualTo(40);
        assertThat(GpSearch.checkpoint(43)).isEqualTo(42);
        assertThat(GpSearch.checkpoint(83)).isEqualTo(80);
        assertThat(GpSearch.checkpoint(10_000)).isEqualTo(9_984);
    }

    @Test
    void badOptionsNameTheOptionAndWhatIsAllowed() {
        assertInvalid(() -> create("gp", Map.of("startup_trials", 0), StrategyContract.ONE), "strategy.options.startup_trials", "1", "10000");
        assertInvalid(() -> create("gp", Map.of("fit_points", 5), StrategyContract.ONE), "strategy.options.fit_points", "10", "2000");
        assertInvalid(() -> create("gp", Map.of("kernel", "rbf"), StrategyContract.ONE),
                "strategy.options.kernel: unknown field", "startup_trials", "fit_points", "warping");
        assertInvalid(() -> create("gp", Map.of("warping", "log"), StrategyContract.ONE),
                "strategy.options.warping", "\"log\"", "none, power");
    }

    @Test
    void severalObjectivesAreRefusedWithWhatToUseInstead() {
        assertInvalid(() -> create("gp", Map.of(), StrategyContract.TWO), "\"gp\"", "one objective", "has 2", "auto, tpe or nsga2");
    }
}
