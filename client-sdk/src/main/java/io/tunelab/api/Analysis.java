package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an experiment's leaderboard compares trials: the paired {@code test} for repetitions that
 * are seeds ({@code paired-t}, the default, or {@code wilcoxon}) and the family-wise significance
 * level {@code alpha} of the comparisons with the best trial (default 0.05). Cross-validation
 * folds are always compared by the corrected resampled t-test, so a task with folds takes no
 * test. In a spec: {@code analysis: {test: wilcoxon, alpha: 0.05}}; either field may be left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Analysis(PairedTest test, Double alpha) {
    /** The significance level used when a spec gives none. */
    public static final double DEFAULT_ALPHA = 0.05;

    public Analysis {
        if (test == PairedTest.CORRECTED_T) {
            throw TunelabException.invalidSpec("analysis.test: corrected-t is chosen by itself when a task's repetitions are "
                    + "cross-validation folds; for seeds give paired-t or wilcoxon");
        }
        if (alpha != null && !(alpha > 0 && alpha <= 0.5)) {
            throw TunelabException.invalidSpec("analysis.alpha must be above 0 and at most 0.5, as 0.05; got " + alpha);
        }
    }

    /** The defaults: the paired t-test for seeds, alpha 0.05. */
    public static Analysis defaults() {
        return new Analysis(null, null);
    }

    /** The significance level, or the default when none is given. */
    public double alphaOrDefault() {
        return alpha == null ? DEFAULT_ALPHA : alpha;
    }
}
