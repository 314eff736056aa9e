package io.tunelab.experiments.multiobjective;

import io.tunelab.api.FloatParam;
import io.tunelab.api.SearchSpace;

import java.util.List;
import java.util.Map;

/**
 * A multi-objective test problem on [0, 1]^n with its hypervolume reference point. ZDT1 and
 * ZDT2 (30 variables; convex and concave fronts) and DTLZ2 (3 objectives, 12 variables, a
 * spherical front), defined as in experiments/optuna/quality_shifted.py.
 *
 * @param name      its name in tables
 * @param variables n
 * @param reference the hypervolume reference point (every objective minimized)
 */
record MultiObjectiveProblem(String name, int variables, double[] reference) {

    static List<MultiObjectiveProblem> all() {
        return List.of(new MultiObjectiveProblem("zdt1", 30, new double[]{11, 11}),
                new MultiObjectiveProblem("zdt2", 30, new double[]{11, 11}),
                new MultiObjectiveProblem("dtlz2", 12, new double[]{2, 2, 2}));
    }

    static MultiObjectiveProblem named(String name) {
        return all().stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown problem " + name + "; known: zdt1, zdt2, dtlz2"));
    }

    int objectives() {
        return reference.length;
    }

    SearchSpace space() {
        var b = SearchSpace.builder();
        for (int i = 0; i < variables; i++) {
            b.add("x" + i, FloatParam.of(0, 1));
        }
        return b.build();
    }

    double[] values(Map<String, Object> params) {
        double[] x = new double[variables];
        for (int i = 0; i < variables; i++) {
            x[i] = ((Number) params.get("x" + i)).doubleValue();
        }
        return values(x);
    }

    double[] values(double[] x) {
        return switch (name) {
            case "zdt1", "zdt2" -> {
                double s = 0;
                for (int i = 1; i < x.length; i++) {
                    s += x[i];
                }
                double g = 1 + 9 * s / (x.length - 1);
                double ratio = x[0] / g;
                yield new double[]{x[0], g * (name.equals("zdt1") ? 1 - Math.sqrt(ratio) : 1 - ratio * ratio)};
            }
            case "dtlz2" -> {
                int m = 3;
                double g = 0;
                for (int i = m - 1; i < x.length; i++) {
                    g += (x[i] - 0.5) * (x[i] - 0.5);
                }
                double[] f = new double[m];
                for (int i = 0; i < m; i++) {
                    double v = 1 + g;
                    for (int j = 0; j < m - 1 - i; j++) {
                        v *= Math.cos(x[j] * Math.PI / 2);
                    }
                    if (i > 0) {
                        v *= Math.sin(x[m - 1 - i] * Math.PI / 2);
                    }
                    f[i] = v;
                }
                yield f;
            }
            default -> throw new IllegalStateException(name);
        };
    }
}
