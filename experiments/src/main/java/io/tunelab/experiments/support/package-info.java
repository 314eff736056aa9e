/**
 * Starting real server and worker processes from the built jars, for the benchmarks and the
 * end-to-end tests.
 */
package io.tunelab.experiments.support;
