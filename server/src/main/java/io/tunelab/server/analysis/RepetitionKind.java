package io.tunelab.server.analysis;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.PairedTest;
import io.tunelab.api.TunelabException;

/**
 * What a trial's repetitions are, which decides how two trials' repetitions are matched and
 * which paired test compares them: the folds of one k-fold cross-validation (matched by fold
 * index, compared by the corrected resampled t-test, because the folds' training sets overlap),
 * or independent seeds (matched by seed, compared by the paired t-test or the Wilcoxon
 * signed-rank test).
 */
public sealed interface RepetitionKind permits RepetitionKind.Folds, RepetitionKind.Seeds {

    /** The test that compares two trials on the repetitions they share. */
    PairedTest test();

    /** The folds of a {@code k}-fold cross-validation, k at least 2. */
    static Folds folds(int k) {
        return new Folds(k);
    }

    /** Independent seeds, compared by the paired t-test. */
    static Seeds seeds() {
        return new Seeds(PairedTest.PAIRED_T);
    }

    /** Independent seeds, compared by {@code test}: {@code PAIRED_T} or {@code WILCOXON}. */
    static Seeds seeds(PairedTest test) {
        return new Seeds(test);
    }

    /**
     * The folds of one k-fold cross-validation. Every fold tests on 1/k of the rows and trains
     * on the rest, so the ratio of test to training rows is 1/(k − 1).
     */
    record Folds(int k) implements RepetitionKind {
        public Folds {
            if (k < 2) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT,
                        "cross-validation needs at least 2 folds, got " + k);
            }
        }

        @Override
        public PairedTest test() {
            return PairedTest.CORRECTED_T;
        }

        /** n_test / n_train of one fold: 1 / (k − 1). */
        public double testTrainRatio() {
            return 1.0 / (k - 1);
        }
    }

    /** Independent seeds, compared by the paired t-test or the Wilcoxon signed-rank test. */
    record Seeds(PairedTest test) implements RepetitionKind {
        public Seeds {
            if (test != PairedTest.PAIRED_T && test != PairedTest.WILCOXON) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT,
                        "seeds are compared by paired-t or wilcoxon, got " + (test == null ? null : test.json()));
            }
        }
    }
}
