package io.tunelab.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A trial handed to a worker: the lease id that the worker sends with every heartbeat, report
 * and result; when the lease expires unless renewed; the trial; and what the worker needs to
 * run it (the experiment, its objectives, repetitions, the experiment seed, and the task). When
 * the experiment races, {@code trial.repetition()} names the one repetition (fold or seed index)
 * to run and tell; otherwise it is null and the worker runs all {@code repetitions}.
 * With a {@code finalization} the work is not the search's: refit the (finished) trial's
 * configuration on every row outside the test split and tell its score on the test split.
 * {@code space} is the experiment's search space (null from a server older than it): what the
 * experiment's other trials may be given, so that what a worker says of the whole experiment (its
 * data report: the classes with fewer rows than the folds, when the folds are searched) holds for
 * every trial, not only for this one's params.
 */
public record Lease(
        String leaseId,
        Instant expiresAt,
        int leaseSeconds,
        TrialProposal trial,
        long experimentId,
        String experimentName,
        List<Objective> objectives,
        int repetitions,
        long seed,
        Map<String, Object> task,
        Finalization finalization,
        SearchSpace space) {

    /** A lease of a trial of the search, without the experiment's search space. */
    public Lease(String leaseId, Instant expiresAt, int leaseSeconds, TrialProposal trial, long experimentId,
                 String experimentName, List<Objective> objectives, int repetitions, long seed, Map<String, Object> task) {
        this(leaseId, expiresAt, leaseSeconds, trial, experimentId, experimentName, objectives, repetitions, seed, task, null, null);
    }
}
