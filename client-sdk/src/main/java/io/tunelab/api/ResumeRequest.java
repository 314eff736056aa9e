package io.tunelab.api;

/** The optional body of a resume: a new budget (each field given replaces the old one). */
public record ResumeRequest(Budget budget) {
}
