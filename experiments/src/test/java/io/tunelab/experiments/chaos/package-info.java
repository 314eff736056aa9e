/**
 * Tests that kill a real server process again and again and check that nothing it
 * acknowledged is lost (the chaos runs of {@link io.tunelab.experiments.chaos.ChaosRun}).
 */
package io.tunelab.experiments.chaos;
