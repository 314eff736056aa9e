/** End-to-end tests against real server (and worker) processes started from the built jars. */
package io.tunelab.experiments;
