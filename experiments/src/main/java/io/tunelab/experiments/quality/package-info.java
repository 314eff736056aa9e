/**
 * The search-quality benchmark: the problems of shared/bench/quality.py, run against every
 * strategy through a real server (the SDK) or, for quick iteration, in process. A program that
 * prints a table; it asserts nothing.
 */
package io.tunelab.experiments.quality;
