/**
 * Test support shared by the server's tests: things a test starts and stops around itself, such
 * as {@link io.tunelab.server.testing.TestServer}, a real server on a free port, and
 * {@link io.tunelab.server.testing.Storages}, the storages a test opens coordinators on, and
 * readers of what the server writes ({@link io.tunelab.server.testing.Csv}), and
 * {@link io.tunelab.server.testing.HeldOutWinner}, an experiment whose winner waits for its refit, and
 * {@link io.tunelab.server.testing.SchemaRollback}, which takes an embedded database back to an
 * older schema for a migration's test. The throwaway
 * PostgreSQL server lives in its own module ({@code io.tunelab.throwaway}), shared with the
 * benchmark programs. No tests live here, and nothing here is part of the server.
 */
package io.tunelab.server.testing;
