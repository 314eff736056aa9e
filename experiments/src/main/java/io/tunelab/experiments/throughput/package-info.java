/** The ask/tell throughput benchmark against a real server process on H2. */
package io.tunelab.experiments.throughput;
