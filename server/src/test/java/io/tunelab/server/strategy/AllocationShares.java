package io.tunelab.server.strategy;

import io.tunelab.api.FloatParam;
import io.tunelab.api.Objective;
import io.tunelab.api.SearchSpace;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A program (not a test) that prints how {@code auto}'s allocation splits the trials between
 * CMA-ES and the genetic algorithm: the share of CMA-ES among the first 100 and all 300 trials
 * of the 10-D Rosenbrock, Rastrigin and sphere functions on [−5, 10]¹⁰, seeds 0–4 (tuning seeds).
 *
 * <pre>java -cp … io.tunelab.server.strategy.AllocationShares [seeds=5]</pre>
 */
public final class AllocationShares {
    private AllocationShares() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        var box = SearchSpace.builder();
        for (int i = 0; i < 10; i++) {
            box.add("x" + i, FloatParam.of(-5, 10));
        }
        var space = box.build();
        var objectives = List.of(Objective.minimize("loss"));
        for (String function : List.of("rosenbrock", "rastrigin", "sphere")) {
            double[] first100 = new double[seeds];
            double[] all300 = new double[seeds];
            for (int seed = 0; seed < seeds; seed++) {
                var strategy = Strategies.create(StrategySpec.of("auto"), space, objectives, seed);
                var history = new ArrayList<Trial>();
                for (int k = 0; k < 300; k++) {
                    var params = strategy.propose(new ProposalContext(space, objectives, seed, k, history));
                    double[] x = new double[10];
                    for (int i = 0; i < 10; i++) {
                        x[i] = ((Number) params.get("x" + i)).doubleValue();
                    }
                    history.add(InProcessExperiment.trial(k, params, TrialState.COMPLETE, Map.of("loss", value(function, x))));
                }
                int[] owners = ProgressShares.owners(history, 299, 2, objectives.getFirst());
                first100[seed] = Arrays.stream(owners, 0, 100).filter(o -> o == 0).count() / 100.0;
                all300[seed] = Arrays.stream(owners).filter(o -> o == 0).count() / 300.0;
            }
            System.out.printf(Locale.ROOT, "%s: CMA-ES's share of trials 0-99 %s, of 0-299 %s%n", function,
                    Arrays.toString(first100), Arrays.toString(all300));
        }
    }

    private static double value(String function, double[] x) {
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            v += switch (function) {
                case "rosenbrock" -> i + 1 < x.length ? 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2) : 0;
                case "rastrigin" -> x[i] * x[i] - 10 * Math.cos(2 * Math.PI * x[i]) + 10;
                default -> x[i] * x[i];
            };
        }
        return v;
    }
}
