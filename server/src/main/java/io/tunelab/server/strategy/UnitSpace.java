package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search space seen as the unit cube: one coordinate in [0,1) per param, in the space's
 * order. Floats and ints map linearly or logarithmically (an int or a stepped float as the
 * centre of its equal-width cell), a categorical as the centre of its choice's cell.
 * Decoding assigns params in order and skips the inactive ones, so conditions hold; encoding
 * gives NaN for a param a configuration does not have.
 */
final class UnitSpace {
    private static final double TOP = Math.nextDown(1.0);

    private final SearchSpace space;
    private final List<String> names;
    private final Param[] params;

    UnitSpace(SearchSpace space) {
        this.space = space;
        this.names = space.names();
        this.params = names.stream().map(space::get).toArray(Param[]::new);
    }

    SearchSpace space() {
        return space;
    }

    int dimension() {
        return params.length;
    }

    String name(int i) {
        return names.get(i);
    }

    Param param(int i) {
        return params[i];
    }

    boolean isCategorical(int i) {
        return params[i] instanceof CategoricalParam;
    }

    /** Whether param i is always active. */
    boolean isUnconditional(int i) {
        return params[i].when() == null;
    }

    /** The coordinates of a configuration; NaN where the configuration has no value. */
    double[] encode(Map<String, Object> config) {
        double[] u = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            Object v = config.get(names.get(i));
            u[i] = v == null ? Double.NaN : encode(params[i], v);
        }
        return u;
    }

    static double encode(Param param, Object value) {
        return switch (param) {
            case FloatParam f when f.step() != null ->
                    (Math.round((((Number) value).doubleValue() - f.low()) / f.step()) + 0.5) / f.steps();
            case FloatParam f -> Math.min(TOP, Math.max(0, Sampling.toUnit(f, ((Number) value).doubleValue())));
            case IntParam p -> Sampling.toUnit(p, ((Number) value).intValue());
            case CategoricalParam c -> (c.indexOf(value) + 0.5) / c.choices().size();
        };
    }

    /** The value of param i at coordinate u (clamped into [0,1)). */
    Object decode(int i, double u) {
        double x = Double.isNaN(u) ? 0.5 : Math.min(TOP, Math.max(0, u));
        return switch (params[i]) {
            case FloatParam f -> Sampling.fromUnit(f, x);
            case IntParam p -> Sampling.fromUnit(p, x);
            case CategoricalParam c -> c.choices().get((int) Math.floor(x * c.choices().size()));
        };
    }

    /** The configuration at a point, inactive params left out. */
    Map<String, Object> decode(double[] u) {
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < params.length; i++) {
            if (space.isActive(names.get(i), out)) {
                out.put(names.get(i), decode(i, u[i]));
            }
        }
        return out;
    }

    /** A uniform point, one draw per coordinate. */
    static double[] uniform(int dimension, java.util.random.RandomGenerator rng) {
        double[] u = new double[dimension];
        Arrays.setAll(u, i -> rng.nextDouble());
        return u;
    }
}
