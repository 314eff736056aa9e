/**
 * Tests of the racing benchmark: the noisy suite's maths (truth, noise size, noise shared by
 * repetition), the summary it prints, and, slow, a run end to
 * end against a server of its own with tiny budgets. Its figures are not asserted.
 */
package io.tunelab.experiments.racing;
