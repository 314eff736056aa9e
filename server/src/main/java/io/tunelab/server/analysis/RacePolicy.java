package io.tunelab.server.analysis;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.PairedTest;
import io.tunelab.api.Racing;
import io.tunelab.api.TunelabException;

/**
 * How one experiment races its trials, read from its spec's {@code racing} section: the kind of
 * repetition (the task's cross-validation folds, else seeds) with the paired test that compares
 * them, the significance level, and the least and most repetitions a trial runs.
 */
public record RacePolicy(RepetitionKind kind, double alpha, int minRepetitions, int maxRepetitions) {
    /** The param that would give each trial its own cross-validation folds. */
    private static final String SEARCHED_FOLDS = "dataset.validation.folds";

    /**
     * The policy of a spec, null when it does not race, or INVALID_SPEC when its racing section
     * does not fit its repetitions: corrected-t is for folds, paired-t and wilcoxon for seeds, a
     * trial cannot run more repetitions than its cross-validation has folds, and every trial must
     * have the same folds (they cannot be a searched param).
     */
    public static RacePolicy of(ExperimentSpec spec) {
        Racing racing = spec.racing();
        if (racing == null) {
            return null;
        }
        if (spec.space().get(SEARCHED_FOLDS) != null) {
            throw TunelabException.invalidSpec("racing compares trials on the same repetitions, but param \"" + SEARCHED_FOLDS
                    + "\" gives each trial its own folds; fix the folds in task.dataset.validation.folds or remove racing");
        }
        RankingPolicy ranking = RankingPolicy.of(spec);
        RepetitionKind kind = ranking.kind();
        PairedTest test = racing.test();
        if (kind instanceof RepetitionKind.Folds folds) {
            if (test != null && test != PairedTest.CORRECTED_T) {
                throw TunelabException.invalidSpec("racing.test " + test.json() + " applies to seeds, but this task's "
                        + "repetitions are its " + folds.k() + " cross-validation folds; give corrected-t or leave racing.test out");
            }
            if (racing.maxRepetitions() > folds.k()) {
                throw TunelabException.invalidSpec("racing.max_repetitions (" + racing.maxRepetitions() + ") is more than the "
                        + folds.k() + " cross-validation folds of task.dataset.validation.folds; give at most " + folds.k());
            }
        } else if (test == PairedTest.CORRECTED_T) {
            throw TunelabException.invalidSpec("racing.test corrected-t is for cross-validation folds, but this experiment's "
                    + "repetitions are seeds; give paired-t or wilcoxon");
        } else if (test != null) {
            kind = RepetitionKind.seeds(test);
        }
        return new RacePolicy(kind, racing.alpha() != null ? racing.alpha() : ranking.alpha(), racing.minRepetitions(),
                racing.maxRepetitions());
    }

    /** {@link #of}, for a spec stored before: one that no longer validates races by seeds at its own levels. */
    public static RacePolicy ofStored(ExperimentSpec spec) {
        try {
            return of(spec);
        } catch (TunelabException e) {
            Racing r = spec.racing();
            return new RacePolicy(RepetitionKind.seeds(), r.alpha() != null ? r.alpha() : spec.analysis().alphaOrDefault(),
                    r.minRepetitions(), r.maxRepetitions());
        }
    }
}
