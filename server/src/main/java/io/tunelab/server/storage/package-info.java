/**
 * Storage: the {@link io.tunelab.server.storage.Storage} interface and its one JDBC
 * implementation (H2 by default), with the versioned schema migrations. The only SQL in
 * Tunelab lives here; nothing here knows HTTP or strategies.
 */
package io.tunelab.server.storage;
