package io.tunelab.api;

import java.util.List;

/**
 * A worker asking for work: who it is, which task runners it has (a task names its runner,
 * {@code dl4j} by default), and how long the server may hold the request open when there is
 * no work (long poll, at most 60 s).
 */
public record LeaseRequest(String worker, List<String> runners, Integer waitSeconds) {
    /** The longest worker name: the trial row keeps it. */
    public static final int MAX_WORKER_LENGTH = 200;

    public LeaseRequest {
        if (worker == null || worker.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "worker must name the worker, as \"host:pid\"");
        }
        if (worker.length() > MAX_WORKER_LENGTH) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "worker is " + worker.length() + " characters long; at most "
                    + MAX_WORKER_LENGTH + ", as \"host:pid\"");
        }
        runners = runners == null || runners.isEmpty() ? List.of("dl4j") : List.copyOf(runners);
        if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > 60)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "waitSeconds must be from 0 to 60, got " + waitSeconds);
        }
    }
}
