/**
 * Tests of the search-quality benchmark program: that it runs end to end against a server of
 * its own and writes its table. Its figures are not asserted (they are what it measures).
 */
package io.tunelab.experiments.quality;
