/**
 * End-to-end tests of the DL4J worker: a real server process and real worker processes from
 * the built jars, speaking HTTP. They cover a worker killed mid-trial, repetitions with their
 * statistics, the data report, model download and {@code predict}, and bad input.
 */
package io.tunelab.experiments.worker;
