package io.tunelab.api;

import java.time.Instant;

/** A lease renewal: the worker sends its lease id; the server answers with the new expiry. */
public record Heartbeat(String leaseId, Instant expiresAt) {
}
