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
    /** The most runners one worker may name. */
    public static final int MAX_RUNNERS = 64;

    public LeaseRequest {
        if (worker == null || worker.isBlank()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "worker must name the worker, as \"host:pid\"");
        }
        if (worker.length() > MAX_WORKER_LENGTH) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "worker is " + worker.length() + " characters long; at most "
                    + MAX_WORKER_LENGTH + ", as \"host:pid\"");
        }
        if (worker.chars().anyMatch(Character::isISOControl)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "worker holds a control character; name it with printable "
                    + "text, as \"host:pid\"");
        }
        if (runners != null && runners.size() > MAX_RUNNERS) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "runners lists " + runners.size() + " runners; a worker has at "
                    + "most " + MAX_RUNNERS);
        }
        if (runners != null) {
            for (String r : runners) {
                if (r == null || r.isBlank() || r.length() > MAX_WORKER_LENGTH || r.chars().anyMatch(Character::isISOControl)) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "runners holds "
                            + (r == null || r.isBlank() ? "an empty name" : r.length() > MAX_WORKER_LENGTH ? "a name of " + r.length()
                            + " characters" : "a name with a control character") + "; a runner is named as its tasks name it, "
                            + "as dl4j or tribuo, in at most " + MAX_WORKER_LENGTH + " printable characters");
                }
            }
        }
        runners = runners == null || runners.isEmpty() ? List.of("dl4j") : List.copyOf(runners);
        if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > 60)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "waitSeconds must be from 0 to 60, got " + waitSeconds);
        }
    }
}
