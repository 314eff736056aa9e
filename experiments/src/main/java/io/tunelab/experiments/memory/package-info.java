/** The memory program: a server under {@code -Xmx1g} serving many experiments' trials, on H2 and on PostgreSQL. */
package io.tunelab.experiments.memory;
