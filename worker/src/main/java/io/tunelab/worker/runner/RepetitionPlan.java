package io.tunelab.worker.runner;

import io.tunelab.worker.data.Dataset;
import io.tunelab.worker.data.DatasetSpec;
import io.tunelab.worker.data.Splits;

import java.util.ArrayList;
import java.util.List;

/**
 * One repetition of a trial: its index, its seed and its split of the rows (null when the
 * task names no dataset). Repetition r has
 * the same seed and split in every trial of an experiment and in every runner, so trials
 * compare on equal terms whatever library ran them.
 */
public record RepetitionPlan(int index, long seed, Splits.Split split) {

    /** How many repetitions a trial has: the folds with k-fold validation, else the experiment's repetitions. */
    public static int count(DatasetSpec.Validation validation, int repetitions) {
        return validation instanceof DatasetSpec.Folds(int k) ? k : repetitions;
    }

    /**
     * The plans of some repetitions (by index) of a dataset validated as the task says; without
     * data (a runner that reads its own), plans with seeds and no split.
     */
    public static List<RepetitionPlan> of(Dataset data, DatasetSpec.Validation validation, List<Integer> indexes,
                                          long experimentSeed) {
        List<Splits.Split> folds = data != null && validation instanceof DatasetSpec.Folds(int k)
                ? Splits.kfold(data, k, experimentSeed) : null;
        var plans = new ArrayList<RepetitionPlan>(indexes.size());
        for (int r : indexes) {
            long seed = seed(experimentSeed, r);
            Splits.Split split = data == null ? null : folds != null ? folds.get(r)
                    : Splits.holdout(data, ((DatasetSpec.Holdout) validation).fraction(), seed);
            plans.add(new RepetitionPlan(r, seed, split));
        }
        return plans;
    }

    /** The seed of repetition r of an experiment. */
    public static long seed(long experimentSeed, int r) {
        long z = experimentSeed + 0x9E3779B97F4A7C15L * (r + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
