package io.tunelab.worker.runner;

/** Whether a run goes on, stops as pruned, or is abandoned (lease lost, worker stopping). */
public enum Signal { GO, PRUNE, ABANDON }
