/**
 * The experiment lifecycle, one concept per class. {@link io.tunelab.server.experiment.Coordinator}
 * wires them over one storage: the {@code ExperimentRegistry} (experiments by id, name and
 * trial, loaded from storage when used; {@code LoadedExperiments} holds a bounded number in memory
 * and evicts the idle ones, {@code UnloadedSummaries} shows the others in the catalog, from summaries {@code StoredSummaries} keeps in the database), {@link io.tunelab.server.experiment.ExperimentService}
 * (create, pause, resume, stop, ask, tell, report, suggest),
 * {@link io.tunelab.server.experiment.LeaseService} (lease, heartbeat, release, reap),
 * {@link io.tunelab.server.experiment.ExperimentQueries} (pages, the significance-aware
 * leaderboard and ranking, Pareto front, history, curves, stored models, the finalization's refit model and data reports),
 * {@code Rankings} (each experiment's ranking, cached until a trial completes),
 * {@link io.tunelab.server.experiment.Finalizations} (the winner refit and scored on the
 * held-out test split, leased to a worker like a trial; the refit model is the finalization's own,
 * the winner's model and provenance never change), {@code Transitions} (every Trial → Trial
 * change, pure), {@code Journal} (persist, then change memory, then publish),
 * {@code TellWithNext} (a tell and the next trial as one step of the journal, one commit),
 * {@code RepliesOnCommit} (the SDK's ask, tell and tell with next answered by the thread that
 * commits, for callers that do not wait; their {@code …Here} forms, for a thread that must never
 * wait, decline what might wait there),
 * {@code LiveExperiment} (one experiment's state, behind its monitor), {@code Proposals} (where
 * the next trial comes from) and {@code Refusals} (why none is handed out now, and the error an
 * ask gets for it),
 * {@link io.tunelab.server.experiment.TrialQueue} (configurations enqueued to be handed out
 * next) and {@link io.tunelab.server.experiment.TrialImports} (a warm start's and a CSV's trials
 * taken into the history).
 *
 * <p>Plain Java: it knows the {@link io.tunelab.server.storage.Storage} interface, the strategy
 * and pruner SPIs and the wire records, never HTTP or SQL. Constructors do no I/O and start no
 * threads; the server schedules the lease reaper.
 */
package io.tunelab.server.experiment;
