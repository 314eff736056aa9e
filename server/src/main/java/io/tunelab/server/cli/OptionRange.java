package io.tunelab.server.cli;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TunelabException;

/**
 * The values a numeric option accepts, from {@code low} to {@code high}, and why those: checked
 * before a command makes or starts anything. The option is read as a {@code long}, so a value far
 * out of range (as 10^12) is named with the range rather than refused as "not an int".
 */
record OptionRange(String flag, long low, long high, String why) {
    /** The value, when it is in the range; else an error naming the option, the value and the range. */
    int check(long value) {
        if (value < low || value > high) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, flag + " must be from " + low + " to " + high + ", got " + value
                    + " (" + why + ")");
        }
        return Math.toIntExact(value);
    }
}
