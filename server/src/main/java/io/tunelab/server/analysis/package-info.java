/**
 * Analysis of results: statistics over a trial's repetitions (mean, deviation, confidence
 * interval, corrected for cross-validation folds and cut to a metric's range), the paired
 * tests that compare two trials on the repetitions they share (corrected resampled t, paired
 * t, Wilcoxon signed-rank) with Holm's correction, and the rankings of trials by an
 * experiment's objectives: by value ({@link io.tunelab.server.analysis.Ranking}) and by
 * significance ({@link io.tunelab.server.analysis.SignificanceRanking}), the Pareto front of trials
 * with several objectives ({@link io.tunelab.server.analysis.Pareto}), and parameter importance
 * by fANOVA ({@link io.tunelab.server.analysis.ParamImportances}, with its
 * {@link io.tunelab.server.analysis.ImportanceCache}).
 *
 * <p>Pure functions over wire records: no I/O, no clocks, no Vert.x, no storage. Distributions
 * and tests come from Apache Commons Statistics and the random forest from Tribuo; only what
 * they lack (Holm, the fold correction, the pairing of repetitions, the functional ANOVA over
 * the forest's trees) is written here.
 */
package io.tunelab.server.analysis;
