package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An int in {@code [low, high]} (both included), on a linear or a log scale, in steps of {@code step}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntParam(int low, int high, boolean log, Integer step, Condition when) implements Param {
    public IntParam {
        if (low >= high) {
            throw TunelabException.invalidSpec("low (" + low + ") must be below high (" + high + ")");
        }
        if (log && low <= 0) {
            throw TunelabException.invalidSpec("log scale needs low > 0, but low is " + low);
        }
        if (step != null) {
            if (step <= 0) {
                throw TunelabException.invalidSpec("step (" + step + ") must be a positive integer");
            }
            if (log && step != 1) {
                throw TunelabException.invalidSpec("log scale allows only step 1, got " + step);
            }
        }
    }

    public static IntParam of(int low, int high) {
        return new IntParam(low, high, false, null, null);
    }

    public static IntParam log(int low, int high) {
        return new IntParam(low, high, true, null, null);
    }

    @Override
    public IntParam withWhen(Condition when) {
        return new IntParam(low, high, log, step, when);
    }

    /** The step, 1 unless the spec says otherwise. */
    public int stepOrOne() {
        return step == null ? 1 : step;
    }

    /** The k-th allowed value. */
    public int valueAt(long k) {
        return (int) (low + k * stepOrOne());
    }

    @Override
    public Object coerce(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "expected an integer in [" + low + ", " + high + "], got " + value);
        }
        if (n.doubleValue() < low || n.doubleValue() > high) {
            // A whole number as one (9.0 from a CSV reads 9); one past a long's range as it came (1e20
            // would read 9223372036854775807, a number the caller never sent).
            Object shown = Math.abs(n.doubleValue()) < 9e18 ? (Object) n.longValue() : value;
            throw TunelabException.of(ErrorCode.INVALID_VALUE, shown + " is not one of " + low + ", " + (low + stepOrOne())
                    + ", … up to " + high);
        }
        long v = n.longValue();
        if ((v - low) % stepOrOne() != 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE,
                    v + " is not one of " + low + ", " + (low + stepOrOne()) + ", … up to " + high);
        }
        return (int) v;
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDiscrete() {
        return true;
    }

    @Override
    public long cardinality() {
        return ((long) high - low) / stepOrOne() + 1;
    }
}
