/** Test support: starting real server and worker processes from the built jars. */
package io.tunelab.experiments.support;
