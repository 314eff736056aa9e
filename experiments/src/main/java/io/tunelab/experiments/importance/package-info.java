/**
 * The parameter-importance check: Tunelab's fANOVA importances of an experiment on a real
 * server beside Optuna's, computed by Optuna itself from the same exported trials. Prints; never
 * asserts.
 */
package io.tunelab.experiments.importance;
