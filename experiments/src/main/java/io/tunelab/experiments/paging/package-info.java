/** How fast the server pages through the trials of a large experiment, as the web UI does. */
package io.tunelab.experiments.paging;
