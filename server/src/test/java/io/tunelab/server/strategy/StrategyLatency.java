package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
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
import java.util.SplittableRandom;

/**
 * A program (not a test) that prints each strategy's propose time with 1,000 and 10,000
 * completed trials in the history, on a 10-D continuous space and on a 7-param mixed space:
 * the server-side ask latency without storage and HTTP. The history is filled with uniform
 * draws (proposing 10,000 trials one by one would take minutes); each timed proposal then
 * appends one more completed trial, as a live experiment does, so cached models must catch up.
 * Untimed proposals come first (20 unless told), so the timings are of a JIT-compiled server:
 * for {@code gp} 20 are too few, since its first hyperparameter fit keeps the one C2 compiler
 * thread of a 2-core machine busy for seconds; about 150 let its loops be compiled first.
 * A strategy may carry options: {@code gp:warping=power}.
 *
 * <pre>java -cp … io.tunelab.server.strategy.StrategyLatency [sizes=1000,10000] [asks=30] [strategies] [untimed=20]</pre>
 */
public final class StrategyLatency {
    private StrategyLatency() {
    }

    public static void main(String[] args) {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "1000,10000").split(",")).mapToInt(Integer::parseInt).toArray();
        int asks = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> names = args.length > 2 ? List.of(args[2].split(","))
                : List.of("auto", "random", "sobol", "tpe", "cmaes", "genetic", "nsga2");
        int untimed = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        var box = SearchSpace.builder();
        for (int i = 0; i < 10; i++) {
            box.add("x" + i, FloatParam.of(-5, 10));
        }
        var spaces = Map.of("10-D box", box.build(), "mixed7", SearchSpace.builder()
                .add("lr", FloatParam.log(1e-5, 1e-1)).add("reg", FloatParam.log(1e-6, 1))
                .add("scale", FloatParam.log(1e-2, 1e2)).add("n_layers", IntParam.of(1, 8)).add("width", IntParam.of(8, 512))
                .add("optimizer", CategoricalParam.of("sgd", "adam", "rmsprop", "adagrad"))
                .add("activation", CategoricalParam.of("relu", "tanh", "sigmoid")).build());
        System.out.println("| strategy | space | trials | median ms | max ms |");
        System.out.println("|---|---|---:|---:|---:|");
        for (String name : names) {
            for (var space : List.of("10-D box", "mixed7")) {
                for (int size : sizes) {
                    double[] ms = time(name, spaces.get(space), size, asks, untimed);
                    Arrays.sort(ms);
                    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f |%n", name, space, size, ms[ms.length / 2], ms[ms.length - 1]);
                }
            }
        }
    }

    static double[] time(String strategyWithOptions, SearchSpace space, int size, int asks, int untimed) {
        String[] parts = strategyWithOptions.split(":");
        String name = parts[0];
        var options = new java.util.LinkedHashMap<String, Object>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            options.put(kv[0], kv[1].matches("-?\\d+") ? Integer.valueOf(kv[1]) : kv[1]);
        }
        var objectives = name.equals("nsga2")
                ? List.of(Objective.minimize("loss"), Objective.minimize("cost")) : List.of(Objective.minimize("loss"));
        var strategy = Strategies.create(new StrategySpec(name, 1L, options), space, objectives, 1);
        var rng = new SplittableRandom(size);
        var history = new ArrayList<Trial>();
        for (int n = 0; n < size; n++) {
            history.add(completed(n, Sampling.sample(space, rng), rng));
        }
        // Untimed proposals first, so the timings are of a server that has been running (JIT-compiled).
        for (int k = 0; k < untimed; k++) {
            strategy.propose(new ProposalContext(space, objectives, 1, history.size(), history));
        }
        double[] ms = new double[asks];
        for (int k = 0; k < asks; k++) {
            var context = new ProposalContext(space, objectives, 1, history.size(), history);
            long t0 = System.nanoTime();
            var params = strategy.propose(context);
            ms[k] = (System.nanoTime() - t0) / 1e6;
            history.add(completed(history.size(), params, rng));
        }
        return ms;
    }

    private static Trial completed(int number, Map<String, Object> params, SplittableRandom rng) {
        double loss = 0;
        for (Object v : params.values()) {
            loss += v instanceof Number n ? Math.abs(n.doubleValue() - 1) : v.hashCode() % 3;
        }
        return InProcessExperiment.trial(number, params, TrialState.COMPLETE, Map.of("loss", loss, "cost", rng.nextDouble()));
    }
}
