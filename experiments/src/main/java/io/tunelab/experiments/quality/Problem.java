package io.tunelab.experiments.quality;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A benchmark problem: a search space, the function minimized over it, its known minimum and
 * the largest budget it is run to. The definitions are exactly those of
 * shared/bench/quality.py, so regrets compare with Optuna's one to one.
 *
 * @param name     the problem's name in tables
 * @param space    the search space
 * @param function the value of a configuration (minimized)
 * @param optimum  the known global minimum f*
 * @param budget   the largest trial budget (100, or 300 for the 10-D functions)
 */
public record Problem(String name, SearchSpace space, ToDoubleFunction<Map<String, Object>> function, double optimum, int budget) {

    /** Hartmann-6's minimum as polished by L-BFGS-B in quality.py (its f_star column). */
    static final double HARTMANN6_OPTIMUM = -3.322368011415514;

    /** The simple regret of a best value. */
    public double regret(double best) {
        return best - optimum;
    }

    /** Every problem, in table order. */
    public static List<Problem> all() {
        return List.of(
                new Problem("branin", box(new double[][]{{-5, 10}, {0, 15}}), p -> Functions.branin(xs(p, 2)),
                        5.0 / (4.0 * Math.PI), 100),
                new Problem("hartmann6", box(6, 0, 1), p -> Functions.hartmann6(xs(p, 6)), HARTMANN6_OPTIMUM, 100),
                new Problem("rosenbrock10", box(10, -5, 10), p -> Functions.rosenbrock(xs(p, 10)), 0, 300),
                new Problem("ackley10", box(10, -32.768, 32.768), p -> Functions.ackley(xs(p, 10)), 0, 300),
                new Problem("rastrigin10", box(10, -5.12, 5.12), p -> Functions.rastrigin(xs(p, 10)), 0, 300),
                new Problem("mixed7", mixedSpace(), Functions::mixed, 0, 100));
    }

    /** The problem with this name. */
    public static Problem named(String name) {
        return all().stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown problem " + name + "; known: "
                        + all().stream().map(Problem::name).toList()));
    }

    private static SearchSpace box(int d, double low, double high) {
        var b = SearchSpace.builder();
        for (int i = 0; i < d; i++) {
            b.add("x" + i, FloatParam.of(low, high));
        }
        return b.build();
    }

    private static SearchSpace box(double[][] bounds) {
        var b = SearchSpace.builder();
        for (int i = 0; i < bounds.length; i++) {
            b.add("x" + i, FloatParam.of(bounds[i][0], bounds[i][1]));
        }
        return b.build();
    }

    private static SearchSpace mixedSpace() {
        return SearchSpace.builder()
                .add("lr", FloatParam.log(1e-5, 1e-1))
                .add("reg", FloatParam.log(1e-6, 1e0))
                .add("scale", FloatParam.log(1e-2, 1e2))
                .add("n_layers", IntParam.of(1, 8))
                .add("width", IntParam.of(8, 512))
                .add("optimizer", CategoricalParam.of("sgd", "adam", "rmsprop", "adagrad"))
                .add("activation", CategoricalParam.of("relu", "tanh", "sigmoid"))
                .build();
    }

    private static double[] xs(Map<String, Object> params, int d) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = ((Number) params.get("x" + i)).doubleValue();
        }
        return x;
    }
}
