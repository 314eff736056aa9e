/**
 * The experiment lifecycle: create, ask, tell, report, suggest, lease, heartbeat, the lease
 * reaper, pause, resume and stop, and the queries the API serves. Plain Java: it knows the
 * {@link io.tunelab.server.storage.Storage} interface, the strategy and pruner SPIs and the wire
 * records, never HTTP or SQL.
 */
package io.tunelab.server.experiment;
