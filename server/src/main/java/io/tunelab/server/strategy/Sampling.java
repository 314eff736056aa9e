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
            return logIntFromUnit(p.low(), p.high(), u);
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
            return logIntToUnit(p.low(), p.high(), v);
        }
        long n = p.cardinality();
        long k = (v - p.low()) / p.stepOrOne();
        return (k + 0.5) / n;
    }

    /**
     * Each int of [low, high] owns the cell [v − 0.5, v + 0.5), measured on a log scale as
     * Optuna does. From a low below 1 that scale would reach log(≤ 0.5 − 1), so every value is
     * first moved up by 1 − low: a low of 0 maps like log(v + 1).
     */
    static int logIntFromUnit(int low, int high, double u) {
        double shift = logShift(low);
        double lo = Math.log(low - 0.5 + shift);
        double hi = Math.log(high + 0.5 + shift);
        long r = Math.round(Math.exp(lo + u * (hi - lo)) - shift);
        return (int) Math.max(low, Math.min(high, r));
    }

    /** The inverse of {@link #logIntFromUnit}: where a value sits in [0,1]. */
    static double logIntToUnit(int low, int high, int v) {
        double shift = logShift(low);
        double lo = Math.log(low - 0.5 + shift);
        double hi = Math.log(high + 0.5 + shift);
        return (Math.log(v + shift) - lo) / (hi - lo);
    }

    private static double logShift(int low) {
        return low < 1 ? 1.0 - low : 0.0;
    }
}
