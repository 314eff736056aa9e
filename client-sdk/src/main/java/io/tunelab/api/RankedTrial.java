package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One trial on a significance-aware leaderboard: its {@link RankGroup}, its mean over its own
 * repetitions ({@code repetitions} of them; 0 when it was told a plain value), and how it
 * compared with the best trial: on {@code sharedRepetitions} repetitions (matched by fold index
 * or by seed), the mean {@code difference} (this trial minus the best, in the metric's units),
 * the test's two-sided {@code pValue} and the {@code adjustedPValue} after Holm's correction
 * across all comparisons. For the best trial {@code sharedRepetitions} counts its own pairable
 * repetitions and the other comparison fields are null; for an unranked one the p-values are
 * null (and so is {@code difference} when it shares nothing) and {@code note} says why it is
 * ordered by value. In an experiment with {@link Constraint constraints}, {@code feasible} says
 * whether the trial keeps them all and {@code violation} how far outside them it lies (0 when
 * feasible; null, with a {@code note}, when it reported no finite value of a constrained metric);
 * an infeasible trial is in group {@link RankGroup#INFEASIBLE}. Both are null without constraints.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RankedTrial(
        long trialId,
        int number,
        RankGroup group,
        double mean,
        int repetitions,
        int sharedRepetitions,
        Double difference,
        Double pValue,
        Double adjustedPValue,
        String note,
        Boolean feasible,
        Double violation) {

    public RankedTrial {
        if (group == null) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "a ranked trial needs a group (best, tied, worse or unranked)");
        }
        if (repetitions < 0 || sharedRepetitions < 0) {
            throw TunelabException.of(ErrorCode.INVALID_VALUE, "repetition counts must be 0 or more, got "
                    + repetitions + " and " + sharedRepetitions + " shared");
        }
        if (violation != null && !Double.isFinite(violation)) {
            violation = null;
        }
    }

    /** A ranked trial of an experiment without constraints. */
    public RankedTrial(long trialId, int number, RankGroup group, double mean, int repetitions, int sharedRepetitions,
                       Double difference, Double pValue, Double adjustedPValue, String note) {
        this(trialId, number, group, mean, repetitions, sharedRepetitions, difference, pValue, adjustedPValue, note, null, null);
    }

    /** This ranked trial with its feasibility under the experiment's constraints. */
    public RankedTrial withFeasibility(double violation) {
        return new RankedTrial(trialId, number, group, mean, repetitions, sharedRepetitions, difference, pValue, adjustedPValue,
                note, violation == 0, violation);
    }
}
