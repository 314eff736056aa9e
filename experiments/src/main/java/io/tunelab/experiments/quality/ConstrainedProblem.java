package io.tunelab.experiments.quality;

import io.tunelab.api.Constraint;
import io.tunelab.api.SearchSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A problem with inequality constraints: minimise {@code f} over a box while every constraint
 * metric {@code c1, c2, …} stays at most 0; {@code optimum} is the best feasible value. The same
 * functions, boxes and optima are in experiments/optuna/quality_constrained.py.
 *
 * @param evaluate the point's {f, c1, c2, …}
 */
public record ConstrainedProblem(String name, SearchSpace space, int constraints, Function<double[], double[]> evaluate,
                                 double optimum) {

    /** Every constrained problem of the benchmark. */
    static List<ConstrainedProblem> all() {
        return List.of(
                // Σ(xᵢ − 0.8)² with Σxᵢ ≤ d/3: the optimum (⅓, …, ⅓) is on the boundary, the unconstrained one far outside.
                sum("sum3", 3), sum("sum6", 6),
                // Gramacy et al. (2016): x₁ + x₂ under a wavy constraint and a disc; optimum (0.1951, 0.4047).
                new ConstrainedProblem("gramacy", Problem.box(new double[][]{{0, 1}, {0, 1}}), 2, x -> new double[]{
                    x[0] + x[1],
                    1.5 - x[0] - 2 * x[1] - 0.5 * Math.sin(2 * Math.PI * (x[0] * x[0] - 2 * x[1])),
                    x[0] * x[0] + x[1] * x[1] - 1.5}, 0.5997880520094225),
                // Gardner et al. (2014): Branin inside a disc that holds one of its three minima.
                new ConstrainedProblem("branin-disc", Problem.box(new double[][]{{-5, 10}, {0, 15}}), 1, x -> new double[]{
                    Functions.branin(x), (x[0] - 2.5) * (x[0] - 2.5) + (x[1] - 7.5) * (x[1] - 7.5) - 50}, 0.39788735772973816),
                // CEC 2006 g24: two disconnected feasible regions; optimum (2.3295, 3.1785).
                new ConstrainedProblem("g24", Problem.box(new double[][]{{0, 3}, {0, 4}}), 2, x -> new double[]{
                    -x[0] - x[1],
                    -2 * Math.pow(x[0], 4) + 8 * Math.pow(x[0], 3) - 8 * x[0] * x[0] + x[1] - 2,
                    -4 * Math.pow(x[0], 4) + 32 * Math.pow(x[0], 3) - 88 * x[0] * x[0] + 96 * x[0] + x[1] - 36}, -5.50801327159529),
                // Hartmann-6 with Σxᵢ ≤ 1.5 (its unconstrained optimum sums to 2.07); the optimum by SLSQP from 400 starts.
                new ConstrainedProblem("hartmann6-sum", Problem.box(6, 0, 1), 1, x -> new double[]{
                    Functions.hartmann6(x), sumOf(x) - 1.5}, -2.595108293698534));
    }

    /** The problem with this name. */
    static ConstrainedProblem named(String name) {
        return all().stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown constrained problem " + name + "; known: "
                        + all().stream().map(ConstrainedProblem::name).toList()));
    }

    /** The constraints as an experiment declares them: each metric c1, c2, … at most 0. */
    List<Constraint> declared() {
        var out = new ArrayList<Constraint>();
        for (int i = 1; i <= constraints; i++) {
            out.add(Constraint.atMost("c" + i, 0));
        }
        return out;
    }

    /** What a trial at {@code params} reports: the objective "value" and each constraint metric. */
    Map<String, Double> values(Map<String, Object> params) {
        double[] x = new double[space.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) params.get("x" + i)).doubleValue();
        }
        double[] r = evaluate.apply(x);
        var values = new LinkedHashMap<String, Double>();
        values.put("value", r[0]);
        for (int i = 1; i <= constraints; i++) {
            values.put("c" + i, r[i]);
        }
        return values;
    }

    /** Whether every constraint holds on these reported values. */
    static boolean feasible(Map<String, Double> values) {
        return values.entrySet().stream().allMatch(e -> e.getKey().equals("value") || e.getValue() <= 0);
    }

    private static ConstrainedProblem sum(String name, int d) {
        double c = 0.8 - 1.0 / 3;
        return new ConstrainedProblem(name, Problem.box(d, 0, 1), 1, x -> {
            double f = 0;
            for (double v : x) {
                f += (v - 0.8) * (v - 0.8);
            }
            return new double[]{f, sumOf(x) - d / 3.0};
        }, d * c * c);
    }

    private static double sumOf(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }
}
