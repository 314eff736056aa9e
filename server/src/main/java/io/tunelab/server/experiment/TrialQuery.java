package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

/**
 * A page of an experiment's trials: which ones ({@code state}, or all), sorted by a column
 * ({@code number}, {@code state}, {@code value}, {@code duration}, {@code param:NAME},
 * {@code metric:NAME}), in which order, from which offset, how many.
 */
public record TrialQuery(int offset, int limit, String sort, boolean descending, TrialState state) {
    public static final int MAX_LIMIT = 10_000;

    public TrialQuery {
        if (offset < 0) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        sort = sort == null || sort.isBlank() ? "number" : sort;
        if (!(sort.equals("number") || sort.equals("state") || sort.equals("value") || sort.equals("duration")
                || (sort.startsWith("param:") && sort.length() > 6) || (sort.startsWith("metric:") && sort.length() > 7))) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "sort must be number, state, value, duration, param:NAME or metric:NAME, got " + sort);
        }
    }

    public static TrialQuery all() {
        return new TrialQuery(0, MAX_LIMIT, "number", false, null);
    }
}
