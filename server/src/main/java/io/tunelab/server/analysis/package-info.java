/**
 * Analysis of results: statistics over a trial's repetitions (mean, deviation, Student-t
 * confidence interval), the ranking of trials by an experiment's objectives, and the Pareto
 * front of trials with several objectives. Pure functions over wire records; no I/O.
 */
package io.tunelab.server.analysis;
