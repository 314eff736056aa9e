package io.tunelab.server.analysis;

import io.tunelab.api.Analysis;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.IntParam;
import io.tunelab.api.PairedTest;
import io.tunelab.api.Param;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;

import java.util.Map;

/**
 * How one experiment's trials are compared, read from its spec: a task whose
 * {@code dataset.validation.folds} is k makes the repetitions the k folds of one
 * cross-validation ({@link RepetitionKind#folds}); otherwise the repetitions are seeds, compared
 * by the spec's {@code analysis.test} (paired-t unless it says wilcoxon). The significance level
 * is {@code analysis.alpha}, 0.05 unless given. When the folds are a searched param ({@code
 * dataset.validation.folds}), each trial's repetitions are the folds of its own k
 * ({@link #kindOf}), and only trials with the same k are paired.
 */
public record RankingPolicy(RepetitionKind kind, double alpha, boolean foldsSearched) {
    /** The param that gives each trial its own number of cross-validation folds. */
    public static final String FOLDS_PARAM = "dataset.validation.folds";
    /** The most folds a worker splits a task's data into (its {@code dataset.validation.folds} bound). */
    public static final int MAX_FOLDS = 100;

    public RankingPolicy(RepetitionKind kind, double alpha) {
        this(kind, alpha, false);
    }

    /** What one trial's repetitions are: the folds of its own k when the folds are searched, else {@link #kind}. */
    public RepetitionKind kindOf(Trial trial) {
        if (foldsSearched && trial.params().get(FOLDS_PARAM) instanceof Number k && k.intValue() >= 2) {
            return RepetitionKind.folds(k.intValue());
        }
        return kind;
    }

    /**
     * The policy of a stored experiment's spec: as {@link #of}, but a spec stored before folds and
     * analysis were checked together, which {@link #of} would refuse, is compared by seeds.
     */
    public static RankingPolicy ofStored(ExperimentSpec spec) {
        try {
            return of(spec);
        } catch (TunelabException e) {
            return new RankingPolicy(RepetitionKind.seeds(), spec.analysis().alphaOrDefault());
        }
    }

    /** The policy of a spec, or INVALID_SPEC when its folds or its analysis do not fit together. */
    public static RankingPolicy of(ExperimentSpec spec) {
        Analysis analysis = spec.analysis();
        Param searched = spec.space().get(FOLDS_PARAM);
        if (searched != null) {
            if (!(searched instanceof IntParam k) || k.low() < 2 || k.high() > MAX_FOLDS) {
                throw TunelabException.invalidSpec("param \"" + FOLDS_PARAM + "\" must be an int param from 2 to " + MAX_FOLDS
                        + " (workers split the data into at most " + MAX_FOLDS + " folds), as {type: int, low: 3, high: 10}");
            }
            if (analysis.test() != null) {
                throw TunelabException.invalidSpec("analysis.test " + analysis.test().json() + " applies to seeds, but this "
                        + "experiment's repetitions are cross-validation folds (param \"" + FOLDS_PARAM + "\"), which are "
                        + "always compared by the corrected resampled t-test; remove analysis.test");
            }
            return new RankingPolicy(RepetitionKind.folds(k.low()), analysis.alphaOrDefault(), true);
        }
        Integer folds = folds(spec.task());
        if (folds != null && analysis.test() != null) {
            throw TunelabException.invalidSpec("analysis.test " + analysis.test().json() + " applies to seeds, but this task's "
                    + "repetitions are its " + folds + " cross-validation folds, which are always compared by the corrected "
                    + "resampled t-test; remove analysis.test");
        }
        RepetitionKind kind = folds != null ? RepetitionKind.folds(folds)
                : RepetitionKind.seeds(analysis.test() == null ? PairedTest.PAIRED_T : analysis.test());
        return new RankingPolicy(kind, analysis.alphaOrDefault());
    }

    /** The fixed {@code dataset.validation.folds} of a task, or null when it has none. */
    private static Integer folds(Map<String, Object> task) {
        if (task == null || !(task.get("dataset") instanceof Map<?, ?> dataset)
                || !(dataset.get("validation") instanceof Map<?, ?> validation) || !validation.containsKey("folds")) {
            return null;
        }
        Object k = validation.get("folds");
        if (!(k instanceof Integer n) || n < 2 || n > MAX_FOLDS) {
            throw TunelabException.invalidSpec("task.dataset.validation.folds must be a whole number from 2 to " + MAX_FOLDS
                    + ", as {folds: 5}; got " + k);
        }
        return n;
    }
}
