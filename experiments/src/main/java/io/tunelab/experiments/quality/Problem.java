package io.tunelab.experiments.quality;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.SearchSpace;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A benchmark problem: a search space, the function minimized over it (which may depend on the
 * seed: a shifted function moves its optimum per seed), its known minimum and the largest
 * budget it is run to. The open problems are exactly those of shared/bench/quality.py; the
 * shifted and held-out ones are written the same way in experiments/optuna/quality_shifted.py,
 * so regrets compare with Optuna's one to one.
 *
 * @param name     the problem's name in tables
 * @param family   {@link Family#OPEN}, {@link Family#SHIFTED} or {@link Family#HELD_OUT}
 * @param space    the search space
 * @param function the value of a configuration (minimized), for a seed
 * @param optimum  the known global minimum f*
 * @param budget   the largest trial budget (100, or 300 for the 10-D functions)
 */
public record Problem(String name, Family family, SearchSpace space, Seeded function, double optimum, int budget) {

    /** Which table a problem belongs to. */
    public enum Family {
        /** The nine rows strategies were compared (and {@code auto}'s settings chosen) on. */
        OPEN,
        /** An open function whose optimum is at the centre of its box, moved per seed. */
        SHIFTED,
        /** Functions no setting was chosen on. */
        HELD_OUT
    }

    /** The function a seed's run minimizes. */
    @FunctionalInterface
    public interface Seeded {
        ToDoubleFunction<Map<String, Object>> forSeed(long seed);

        static Seeded fixed(ToDoubleFunction<Map<String, Object>> f) {
            return seed -> f;
        }
    }

    /** The value of a configuration in the run with this seed. */
    public double value(Map<String, Object> params, long seed) {
        return function.forSeed(seed).applyAsDouble(params);
    }

    /** Hartmann-6's minimum as polished by L-BFGS-B in quality.py (its f_star column). */
    static final double HARTMANN6_OPTIMUM = -3.322368011415514;

    /** The simple regret of a best value. */
    public double regret(double best) {
        return best - optimum;
    }

    /** Every problem, in table order: the open ones, the shifted ones, the held-out ones. */
    public static List<Problem> all() {
        return List.of(
                open("branin", box(new double[][]{{-5, 10}, {0, 15}}), p -> Functions.branin(xs(p, 2)), 5.0 / (4.0 * Math.PI), 100),
                open("hartmann6", box(6, 0, 1), p -> Functions.hartmann6(xs(p, 6)), HARTMANN6_OPTIMUM, 100),
                open("rosenbrock10", box(10, -5, 10), p -> Functions.rosenbrock(xs(p, 10)), 0, 300),
                open("ackley10", box(10, -32.768, 32.768), p -> Functions.ackley(xs(p, 10)), 0, 300),
                open("rastrigin10", box(10, -5.12, 5.12), p -> Functions.rastrigin(xs(p, 10)), 0, 300),
                open("mixed7", mixedSpace(), Functions::mixed, 0, 100),
                shifted("ackley10-shifted", ACKLEY, Functions::ackley),
                shifted("rastrigin10-shifted", RASTRIGIN, Functions::rastrigin),
                new Problem("ellipsoid10-rotated", Family.HELD_OUT, box(10, -5, 5), seed -> {
                    double[] o = ELLIPSOID.optimum(seed);
                    double[][] r = Shifts.rotation(seed, 4, 10);
                    return p -> HeldOutFunctions.ellipsoid(Shifts.times(r, Shifts.minus(xs(p, 10), o)));
                }, 0, 300),
                new Problem("styblinski10", Family.HELD_OUT, box(10, -5, 5), Seeded.fixed(p -> HeldOutFunctions.styblinski(xs(p, 10))),
                        HeldOutFunctions.styblinski(filled(10, HeldOutFunctions.STYBLINSKI_ARGMIN)), 300),
                new Problem("step10-shifted", Family.HELD_OUT, box(10, -5, 5), seed -> {
                    double[] o = STEP.optimum(seed);
                    return p -> HeldOutFunctions.step(Shifts.minus(xs(p, 10), o));
                }, 0, 300),
                new Problem("mixed-heldout", Family.HELD_OUT, heldOutMixedSpace(), Seeded.fixed(HeldOutFunctions::mixed), 0, 100),
                // Small spaces added on 2026-12-03 to judge gp inside auto (QUALITY.md); first run on seeds 200-219.
                heldOut("goldstein-price", box(2, -2, 2), p -> HeldOutFunctions.goldsteinPrice(xs(p, 2)), 3),
                heldOut("camel6", box(new double[][]{{-3, 3}, {-2, 2}}), p -> HeldOutFunctions.camel6(xs(p, 2)),
                        HeldOutFunctions.CAMEL6_OPTIMUM),
                heldOut("hartmann3", box(3, 0, 1), p -> HeldOutFunctions.hartmann3(xs(p, 3)), HeldOutFunctions.HARTMANN3_OPTIMUM),
                heldOut("rosenbrock4", box(4, -5, 10), p -> Functions.rosenbrock(xs(p, 4)), 0),
                heldOut("styblinski5", box(5, -5, 5), p -> HeldOutFunctions.styblinski(xs(p, 5)),
                        HeldOutFunctions.styblinski(filled(5, HeldOutFunctions.STYBLINSKI_ARGMIN))),
                new Problem("levy5-shifted", Family.HELD_OUT, box(5, -10, 10), seed -> {
                    double[] o = LEVY.optimum(seed);
                    return p -> HeldOutFunctions.levy(Shifts.minus(xs(p, 5), o));
                }, 0, 100));
    }

    private static Problem heldOut(String name, SearchSpace space, ToDoubleFunction<Map<String, Object>> f, double optimum) {
        return new Problem(name, Family.HELD_OUT, space, Seeded.fixed(f), optimum, 100);
    }

    private static Problem open(String name, SearchSpace space, ToDoubleFunction<Map<String, Object>> f, double optimum, int budget) {
        return new Problem(name, Family.OPEN, space, Seeded.fixed(f), optimum, budget);
    }

    /** How a problem's optimum moves: its SplitMix64 stream and its box (the same in quality_shifted.py). */
    record Shift(int stream, int dim, double low, double high) {
        double[] optimum(long seed) {
            return Shifts.optimum(seed, stream, dim, low, high);
        }
    }

    static final Shift ACKLEY = new Shift(1, 10, -32.768, 32.768);
    static final Shift RASTRIGIN = new Shift(2, 10, -5.12, 5.12);
    static final Shift ELLIPSOID = new Shift(3, 10, -5, 5);
    static final Shift STEP = new Shift(5, 10, -5, 5);
    static final Shift LEVY = new Shift(6, 5, -10, 10);

    /** A function with its minimum 0 at the origin, on its box, its optimum moved per seed. */
    static Problem shifted(String name, Shift shift, ToDoubleFunction<double[]> centred) {
        return new Problem(name, Family.SHIFTED, box(shift.dim(), shift.low(), shift.high()), seed -> {
            double[] o = shift.optimum(seed);
            return p -> centred.applyAsDouble(Shifts.minus(xs(p, shift.dim()), o));
        }, 0, 300);
    }

    private static double[] filled(int d, double v) {
        double[] x = new double[d];
        java.util.Arrays.fill(x, v);
        return x;
    }

    private static SearchSpace heldOutMixedSpace() {
        return SearchSpace.builder()
                .add("a", IntParam.log(1, 256))
                .add("b", IntParam.of(0, 20))
                .add("c", FloatParam.of(0, 1))
                .add("d", FloatParam.log(1e-4, 1))
                .add("e", new IntParam(0, 100, false, 5, null))
                .add("kernel", CategoricalParam.of("linear", "poly", "rbf", "sigmoid"))
                .add("loss", CategoricalParam.of("hinge", "log", "squared"))
                .build();
    }

    /** The problem with this name. */
    public static Problem named(String name) {
        return all().stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown problem " + name + "; known: "
                        + all().stream().map(Problem::name).toList()));
    }

    static SearchSpace box(int d, double low, double high) {
        var b = SearchSpace.builder();
        for (int i = 0; i < d; i++) {
            b.add("x" + i, FloatParam.of(low, high));
        }
        return b.build();
    }

    static SearchSpace box(double[][] bounds) {
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
