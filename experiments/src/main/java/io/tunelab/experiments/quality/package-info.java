/**
 * The search-quality benchmark: the problems of shared/bench/quality.py, run against every
 * strategy through a real server with the SDK (one already running, or one the benchmark starts
 * itself). A program that prints a table; it asserts nothing. It never reaches into the
 * server's classes: the strategies are reached over HTTP only.
 */
package io.tunelab.experiments.quality;
