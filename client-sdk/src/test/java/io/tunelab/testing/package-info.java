/**
 * Test support shared by every module's tests: {@link io.tunelab.testing.Cases}, the seeded
 * case generator behind the property tests. Only test code lives here; nothing under src/main
 * may depend on it.
 */
package io.tunelab.testing;
