package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * How much of one objective's variation across an experiment's complete trials each param
 * explains on its own, by functional ANOVA over a random forest fitted to those trials
 * ({@code method} "fanova"): {@code params} in order of importance, the importances summing to 1
 * (all 0 when nothing varies). A share of variance within the region the search explored, not a
 * cause. {@code trials} complete trials were used; {@code skipped} counts the others by state;
 * {@code notAssessed} names the conditional params that are not set in every complete trial, which
 * fANOVA leaves out. {@code reason} says why {@code params} is empty (too few complete trials,
 * or an objective that never varies), and is absent when they were computed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParamImportance(String experiment, int objective, String metric, String method, int trials,
                              Map<TrialState, Integer> skipped, List<Share> params, List<String> notAssessed, String reason) {
    public ParamImportance {
        skipped = skipped == null ? Map.of() : Map.copyOf(skipped);
        params = params == null ? List.of() : List.copyOf(params);
        notAssessed = notAssessed == null ? List.of() : List.copyOf(notAssessed);
    }

    /** One param and its share of the objective's variance, from 0 to 1. */
    public record Share(String param, double importance) {
    }
}
