package io.tunelab.api;

/**
 * Summary of one metric over a trial's repetitions: the count, mean, sample standard
 * deviation, and the two-sided 95% confidence interval of the mean (Student t). With one
 * repetition the deviation is 0 and the interval collapses to the value.
 */
public record Statistics(int n, double mean, double std, double ciLow, double ciHigh) {
}
