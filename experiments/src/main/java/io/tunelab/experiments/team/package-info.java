/**
 * Tunelab run as a team runs it: several coordinator processes on one PostgreSQL, workers and
 * SDK clients reaching them over HTTP. {@link io.tunelab.experiments.team.TeamBenchmark} measures
 * durable ask+tell round trips against Optuna's RDB storage on the same PostgreSQL (each of its Tunelab
 * phases run and measured by {@link io.tunelab.experiments.team.CoordinatorPhase});
 * {@link io.tunelab.experiments.team.SweepClient} is an SDK client run as a process of its own by
 * the end-to-end kill test, which lives beside them in the tests. No test assertions here, and
 * nothing that reaches into the server's code: only processes and HTTP.
 */
package io.tunelab.experiments.team;
