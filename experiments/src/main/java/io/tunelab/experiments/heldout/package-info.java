/**
 * Benchmarks that compare sweep set-ups by the held-out test score of their refit winners
 * (model families, searched feature steps), never by the selection score that chose them. They
 * start their own server and worker processes; nothing here is used by the server or the worker.
 */
package io.tunelab.experiments.heldout;
