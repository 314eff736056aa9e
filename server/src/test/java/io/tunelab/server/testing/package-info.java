/**
 * Test support shared by the server's tests: things a test starts and stops around itself, such
 * as {@link io.tunelab.server.testing.PostgresCluster}, a throwaway PostgreSQL server. No tests
 * live here, and nothing here is part of the server.
 */
package io.tunelab.server.testing;
