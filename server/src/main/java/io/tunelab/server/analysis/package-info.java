/**
 * Analysis of results: statistics over a trial's repetitions (mean, deviation, Student-t
 * confidence interval) and the ranking of trials by an experiment's objectives. Pure
 * functions over wire records; no I/O.
 */
package io.tunelab.server.analysis;
