/**
 * The wire model of Tunelab: the records and sealed types that travel between the server,
 * the SDK, the CLI and the workers, and the error codes with their HTTP statuses.
 *
 * <p>Everything here is an immutable value that validates itself in its constructor, so a
 * spec that was built or parsed is a spec that the server accepts. Nothing here does I/O or
 * knows about HTTP libraries; Jackson annotations only fix the JSON shape. Two helpers serve
 * both sides of the wire: {@link io.tunelab.api.Options}, the one reader of map-valued options
 * (a strategy's, a pruner's, a task's parts), and {@link io.tunelab.api.Seeds}, which derives
 * reproducible random generators from an experiment's seed.
 */
package io.tunelab.api;
