package io.tunelab.api;

/** The pruner's decision on a report. */
public record ReportReply(Decision decision) {
}
