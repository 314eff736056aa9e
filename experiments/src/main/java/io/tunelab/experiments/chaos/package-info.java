/**
 * Chaos runs: clients or simulated workers drive a real server process over HTTP while it is
 * killed with SIGKILL at random moments and restarted on the same data directory; afterwards
 * every acknowledged ask, lease, report and tell is checked against what the server stored.
 * {@link io.tunelab.experiments.chaos.ChaosBenchmark} prints the figures; the slow test suite runs
 * the same code with fewer kills. Nothing here reaches into the server's classes: it speaks
 * HTTP only, as a user's client would.
 */
package io.tunelab.experiments.chaos;
