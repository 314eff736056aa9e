/**
 * The racing benchmark: a noisy problem with known truth ({@link io.tunelab.experiments.racing.NoisySuite})
 * searched at the same number of evaluations with racing and with fixed repetitions, through a
 * real server and the SDK. A program that prints a table; it asserts nothing and never reaches
 * into the server's classes.
 */
package io.tunelab.experiments.racing;
