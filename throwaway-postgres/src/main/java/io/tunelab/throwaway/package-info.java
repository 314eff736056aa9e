/**
 * A throwaway PostgreSQL server that tests and benchmark programs start and stop around
 * themselves ({@link io.tunelab.throwaway.PostgresCluster}). Nothing here is part of the server
 * or the SDK, and nothing here depends on them: only the JDK and PostgreSQL's own programs.
 */
package io.tunelab.throwaway;
