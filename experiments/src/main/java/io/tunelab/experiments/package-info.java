/** Benchmark programs: each speaks to a real Tunelab server over HTTP and prints its figures. */
package io.tunelab.experiments;
