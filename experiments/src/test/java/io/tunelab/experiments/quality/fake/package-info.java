/**
 * Stand-ins, with the names and signatures the quality benchmark's direct runs look up in the
 * server, for testing those runs without the server: a strategy that records what it was shown.
 * Nothing here is used outside the tests.
 */
package io.tunelab.experiments.quality.fake;
