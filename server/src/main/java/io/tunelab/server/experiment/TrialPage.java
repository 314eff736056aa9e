package io.tunelab.server.experiment;

import io.tunelab.api.Trial;

import java.util.List;

/** One page of trials and how many match the query in all. */
public record TrialPage(int total, List<Trial> trials) {
}
