package io.tunelab.api;

/** A define-by-run request: the name of a param the trial's code defines, and its definition. */
public record SuggestRequest(String name, Param param) {
}
