package io.tunelab.server.experiment;

import io.tunelab.api.Finalization;

import java.time.Instant;

/**
 * An experiment's finalization as stored: what the API shows, plus the lease of the worker
 * running it (held until {@code leaseExpires}, renewed by heartbeats like a trial's).
 */
record FinalizationRow(Finalization finalization, String leaseId, Instant leaseExpires) {
}
