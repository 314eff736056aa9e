/**
 * Time to first result: a program that starts real processes (server, worker, the demo) and
 * prints how long a user waits for each first sign of life, and the worker's peak memory. No
 * assertions: figures for the README, measured on the machine at hand.
 */
package io.tunelab.experiments.startup;
