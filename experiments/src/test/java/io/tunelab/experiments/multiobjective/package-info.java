/** Tests of the hypervolume the multi-objective benchmark scores fronts with. */
package io.tunelab.experiments.multiobjective;
