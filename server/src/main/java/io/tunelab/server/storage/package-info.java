/**
 * Storage: the {@link io.tunelab.server.storage.Storage} interface and its one JDBC
 * implementation, on the embedded H2 database by default or on PostgreSQL.
 * {@link io.tunelab.server.storage.Database} says which; {@link io.tunelab.server.storage.JdbcStorage}
 * holds the SQL, {@link io.tunelab.server.storage.GroupCommitWriter} the one writer thread that
 * commits in groups, {@link io.tunelab.server.storage.Dialect} what differs between databases
 * ({@code H2Dialect}, {@code PostgresDialect}), {@link io.tunelab.server.storage.RowCodec} how
 * records become columns, {@link io.tunelab.server.storage.Durability} what an acknowledged write
 * survives, {@code Migrations} the versioned schema (Flyway scripts in {@code db/migration}), and
 * {@code OpenFailures} what a database that cannot be opened says (in words, never its URL). The only SQL in Tunelab lives here; nothing here knows HTTP or
 * strategies.
 */
package io.tunelab.server.storage;
