package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The test that compares two trials on the repetitions they share: {@code CORRECTED_T} is
 * Nadeau and Bengio's corrected resampled t-test, for cross-validation folds (whose training
 * sets overlap); {@code PAIRED_T} is Student's paired t-test and {@code WILCOXON} the Wilcoxon
 * signed-rank test, both for independent seeds. All three are two-sided.
 */
public enum PairedTest {
    CORRECTED_T, PAIRED_T, WILCOXON;

    /** The JSON name, lower case; Jackson reads it back through the same method. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
