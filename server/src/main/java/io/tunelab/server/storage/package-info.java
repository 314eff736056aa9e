/**
 * Storage: the {@link io.tunelab.server.storage.Storage} interface and its one JDBC
 * implementation (H2 by default). {@link io.tunelab.server.storage.JdbcStorage} holds the SQL,
 * {@link io.tunelab.server.storage.GroupCommitWriter} the one writer thread that commits in
 * groups, {@link io.tunelab.server.storage.Dialect} what differs between databases,
 * {@link io.tunelab.server.storage.RowCodec} how records become columns,
 * {@link io.tunelab.server.storage.Durability} what an acknowledged write survives, and the
 * versioned schema migrations. The only SQL in Tunelab lives here; nothing here knows HTTP or
 * strategies.
 */
package io.tunelab.server.storage;
