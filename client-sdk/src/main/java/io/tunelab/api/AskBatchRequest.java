package io.tunelab.api;

/**
 * The body of a batch ask ({@code POST /api/experiments/{ref}/trials/batch}): how many trials at
 * once, from 1 to {@link #MAX_COUNT}, for a worker or SDK caller with that many free slots; with
 * {@code lease: true} each is held under its own lease, as a single leased ask holds it.
 */
public record AskBatchRequest(Integer count, Boolean lease) {
    /** The most trials one batch ask hands out; a caller with more slots asks again. */
    public static final int MAX_COUNT = 100;

    public AskBatchRequest {
        if (count == null) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "count is missing: say how many trials to ask for, from 1 to "
                    + MAX_COUNT + ", as {\"count\": 8}", java.util.Map.of("field", "count"));
        }
        if (count < 1 || count > MAX_COUNT) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "count (" + count + ") must be from 1 to " + MAX_COUNT
                    + "; ask for more in several batches", java.util.Map.of("field", "count"));
        }
    }

    public static AskBatchRequest of(int count, boolean lease) {
        return new AskBatchRequest(count, lease);
    }

    public boolean leased() {
        return Boolean.TRUE.equals(lease);
    }
}
