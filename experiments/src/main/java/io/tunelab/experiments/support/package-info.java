/**
 * Starting real server, worker and client processes from the built jars, for the benchmarks and
 * the end-to-end tests, on a throwaway PostgreSQL and, where the machine allows, in network
 * namespaces of their own.
 */
package io.tunelab.experiments.support;
