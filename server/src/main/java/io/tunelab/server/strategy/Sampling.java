package io.tunelab.server.strategy;

import io.tunelab.api.CategoricalParam;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.Param;
import io.tunelab.api.SearchSpace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Sampling shared by the strategies: uniform (log-uniform) draws per param kind from a given
 * generator (see {@link io.tunelab.api.Seeds} for the per-trial ones), and the maps between a
 * param's values and the unit interval.
 */
public final class Sampling {
    private Sampling() {
    }

    /** A uniform draw of one param (log-uniform on a log scale, on the grid when stepped). */
    public static Object sample(Param param, RandomGenerator rng) {
        return switch (param) {
            case FloatParam f -> fromUnit(f, rng.nextDouble());
            case IntParam i -> fromUnit(i, rng.nextDouble());
            case CategoricalParam c -> c.choices().get(rng.nextInt(c.choices().size()));
        };
    }

    /** A full configuration drawn uniformly, respecting conditions. */
    public static Map<String, Object> sample(SearchSpace space, RandomGenerator rng) {
        var out = new LinkedHashMap<String, Object>();
        for (var e : space.params().entrySet()) {
            // Draw for every param, active or not, so that a param's draw does not depend on
            // whether an earlier conditional param was active.
            Object v = sample(e.getValue(), rng);
            if (space.isActive(e.getKey(), out)) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    /** Maps u in [0,1) to a float param's value (log-scaled, snapped to the step). */
    public static double fromUnit(FloatParam f, double u) {
        if (f.log()) {
            double v = Math.exp(Math.log(f.low()) + u * (Math.log(f.high()) - Math.log(f.low())));
            return Math.min(f.high(), Math.max(f.low(), v));
        }
        if (f.step() != null) {
            long k = Math.min(f.steps() - 1, (long) Math.floor(u * f.steps()));
            return f.gridPoint(k);
        }
        return Math.min(f.high(), f.low() + u * (f.high() - f.low()));
    }

    /** Maps u in [0,1) to an int param's value, each allowed value equally wide (log-scaled when log). */
    public static int fromUnit(IntParam p, double u) {
        if (p.log()) {
            double lo2 = Math.log(p.low() - 0.5);
            double hi = Math.log(p.high() + 0.5);
            double v = Math.exp(lo2 + u * (hi - lo2));
            int r = (int) Math.round(v);
            return Math.max(p.low(), Math.min(p.high(), r));
        }
        long n = p.cardinality();
        long k = Math.min(n - 1, (long) Math.floor(u * n));
        return p.valueAt(k);
    }

    /** The inverse of {@link #fromUnit(FloatParam, double)}: a value's position in [0,1]. */
    public static double toUnit(FloatParam f, double v) {
        if (f.log()) {
            return (Math.log(v) - Math.log(f.low())) / (Math.log(f.high()) - Math.log(f.low()));
        }
        return (v - f.low()) / (f.high() - f.low());
    }

    /** The inverse of {@link #fromUnit(IntParam, double)}: the centre of a value's cell in [0,1]. */
    public static double toUnit(IntParam p, int v) {
        if (p.log()) {
            double lo = Math.log(p.low() - 0.5);
            double hi = Math.log(p.high() + 0.5);
            return (Math.log(v) - lo) / (hi - lo);
        }
        long n = p.cardinality();
        long k = (v - p.low()) / p.stepOrOne();
        return (k + 0.5) / n;
    }
}
