package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A float in {@code [low, high]}, sampled on a linear or a log scale, optionally restricted to
 * the grid {@code low + k·step}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FloatParam(double low, double high, boolean log, Double step, Condition when) implements Param {
    public FloatParam {
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw TunelabException.invalidSpec("low (" + low + ") and high (" + high + ") must be finite numbers");
        }
        if (low >= high) {
            throw TunelabException.invalidSpec("low (" + low + ") must be below high (" + high + ")");
        }
        if (log && low <= 0) {
            throw TunelabException.invalidSpec("log scale needs low > 0, but low is " + low);
        }
        if (step != null) {
            if (!(step > 0) || !Double.isFinite(step)) {
                throw TunelabException.invalidSpec("step (" + step + ") must be a positive number");
            }
            if (log) {
                throw TunelabException.invalidSpec("step cannot be combined with log: use one or the other");
            }
            if (step > high - low) {
                throw TunelabException.invalidSpec("step (" + step + ") must not exceed high - low (" + (high - low) + ")");
            }
        }
    }

    public static FloatParam of(double low, double high) {
        return new FloatParam(low, high, false, null, null);
    }

    public static FloatParam log(double low, double high) {
        return new FloatParam(low, high, true, null, null);
    }

    public static FloatParam stepped(double low, double high, double step) {
        return new FloatParam(low, high, false, step, null);
    }

    @Override
    public FloatParam withWhen(Condition when) {
        return new FloatParam(low, high, log, step, when);
    }

    /** The number of grid points when the param has a step. */
    public long steps() {
        return step == null ? -1 : (long) Math.floor((high - low) / step + 1e-9) + 1;
    }

    /** The k-th grid point of a stepped param. */
    public double gridPoint(long k) {
        return Math.min(high, low + k * step);
    }

    @Override
    public Object coerce(Object value) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "expected a number in [" + low + ", " + high + "], got " + value);
        }
        double v = n.doubleValue();
        if (v < low || v > high) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, v + " is outside [" + low + ", " + high + "]");
        }
        return v;
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDiscrete() {
        return step != null;
    }

    @Override
    public long cardinality() {
        return steps();
    }
}
