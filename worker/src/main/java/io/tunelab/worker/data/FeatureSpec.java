package io.tunelab.worker.data;

import io.tunelab.api.Options;
import io.tunelab.api.TunelabException;

import java.util.List;

/**
 * The feature selection and extraction steps of a task's {@code preprocessing}, applied after
 * imputation and outlier handling and before scaling, in this order: date parts kept or
 * dropped, skewed inputs transformed, low-variance inputs dropped, one input of each highly
 * correlated pair dropped, the top {@code k} inputs selected by a score against the target,
 * and degree-2 interaction features appended.
 *
 * @param dates                {@code parts} keeps the parts of ISO date columns, {@code drop} leaves them out
 * @param skew                 {@code none}, {@code log} (positively skewed inputs only) or {@code yeo_johnson}
 * @param skewThreshold        the |skewness| above which an input counts as skewed
 * @param varianceThreshold    inputs whose training variance is at most this are dropped; null: no step
 * @param correlationThreshold of two inputs whose |Pearson r| exceeds this, the later is dropped; null: no step
 * @param selection            {@code none}, {@code mutual_info} or {@code anova_f} (F-regression for regression)
 * @param k                    how many inputs {@code selection} keeps
 * @param interactions         {@code none} or {@code pairwise}: the product of every pair of inputs is appended
 */
public record FeatureSpec(String dates, String skew, double skewThreshold, Double varianceThreshold,
                          Double correlationThreshold, String selection, int k, String interactions) {
    public static final List<String> DATES = List.of("parts", "drop");
    public static final List<String> SKEWS = List.of("none", "log", "yeo_johnson");
    public static final List<String> SELECTIONS = List.of("none", "mutual_info", "anova_f");
    public static final List<String> INTERACTIONS = List.of("none", "pairwise");

    public FeatureSpec {
        PreprocessingSpec.check("dates", dates, DATES);
        PreprocessingSpec.check("skew", skew, SKEWS);
        PreprocessingSpec.check("selection", selection, SELECTIONS);
        PreprocessingSpec.check("interactions", interactions, INTERACTIONS);
        if (varianceThreshold != null && !(varianceThreshold >= 0)) {
            throw TunelabException.invalidSpec("preprocessing.variance_threshold must be 0 or more, got " + varianceThreshold);
        }
        if (correlationThreshold != null && !(correlationThreshold > 0 && correlationThreshold < 1)) {
            throw TunelabException.invalidSpec("preprocessing.correlation_threshold must be between 0 and 1 (exclusive), got "
                    + correlationThreshold);
        }
        if (!selection.equals("none") && k < 1) {
            throw TunelabException.invalidSpec("preprocessing.k must be 1 or more with selection " + selection + ", got " + k);
        }
    }

    /** No step: date parts kept, nothing else. */
    public static FeatureSpec none() {
        return new FeatureSpec("parts", "none", 0.75, null, null, "none", 0, "none");
    }

    /** Reads the feature fields of a {@code preprocessing} section (the caller calls {@code done()}). */
    static FeatureSpec parse(Options s) {
        return new FeatureSpec(
                s.choice("dates", "parts", DATES),
                s.choice("skew", "none", SKEWS),
                s.number("skew_threshold", 0.75, 0, 100),
                s.optionalNumber("variance_threshold"),
                s.optionalNumber("correlation_threshold"),
                s.choice("selection", "none", SELECTIONS),
                s.integer("k", 0, 0, 1_000_000),
                s.choice("interactions", "none", INTERACTIONS));
    }

    /** Whether the steps may change the number of inputs (a shaped input must keep its count). */
    public boolean changesWidth() {
        return varianceThreshold != null || correlationThreshold != null || !selection.equals("none")
                || !interactions.equals("none");
    }
}
