package io.tunelab.server.analysis;

import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What becomes of a raced trial after one more of its repetitions, as in SMAC3's
 * intensification: a challenger runs the incumbent's repetitions in the incumbent's order, is
 * compared with it on the repetitions the two share, and goes on only while it is not
 * significantly worse; the incumbent goes on up to the most repetitions, so a trial that
 * was lucky on its first few cannot stay on top.
 *
 * <p>The rule, for a trial with n repetitions:
 * <ol>
 *   <li>n below the least: {@link Continue};</li>
 *   <li>the incumbent is the trial with the best mean among the others that are COMPLETE, or
 *       still racing with at least the least repetitions (ties: more repetitions, then lower
 *       number); when the trial is significantly worse than it on at least two shared
 *       repetitions (the policy's paired test, one-sided, at the policy's alpha): {@link RacedOut};</li>
 *   <li>n at the most: {@link Complete};</li>
 *   <li>no incumbent, or the trial better on the shared repetitions: it leads, {@link Continue};</li>
 *   <li>as many repetitions as the incumbent: tied with it, {@link Complete}; else {@link Continue}.</li>
 * </ol>
 * The test is one-sided because the question is: is the challenger worse? (The null distributions
 * of the three paired tests are symmetric, so its p-value is half the two-sided one when the
 * challenger's shared mean is the worse.) Each decision is one comparison, not a family, so alpha
 * is not corrected for multiple tests, as F-race tests at every step. Where SMAC3 rejects a
 * challenger whose mean on the shared repetitions is worse at all, this asks for significance,
 * so a noisy first few repetitions do not end a good configuration. A pure function: the same
 * trials give the same verdict.
 */
public final class RaceDecision {
    private RaceDecision() {
    }

    /** A verdict on one raced trial. */
    public sealed interface Verdict permits Continue, Complete, RacedOut {
    }

    /** Give the trial its next repetition. */
    public record Continue() implements Verdict {
    }

    /** The trial has its repetitions: it ends COMPLETE. */
    public record Complete() implements Verdict {
    }

    /**
     * The trial is significantly worse than the incumbent (trial {@code incumbentNumber}): on
     * {@code sharedRepetitions} repetitions its mean was worse by {@code difference} (in the
     * metric's units, this trial minus the incumbent) with one-sided {@code pValue}.
     */
    public record RacedOut(double pValue, int sharedRepetitions, double difference, int incumbentNumber) implements Verdict {
    }

    /**
     * The verdict on {@code trial} (with the repetition just told among its repetitions), judged
     * against the other trials of {@code history} (the trial itself, by id, is left out of it).
     */
    public static Verdict decide(Trial trial, List<Trial> history, Objective objective, RacePolicy policy) {
        Objects.requireNonNull(trial, "trial");
        RepetitionSample own = RepetitionSample.of(trial, objective.metric(), policy.kind());
        int n = own == null ? 0 : own.count();
        if (n < policy.minRepetitions()) {
            return new Continue();
        }
        RepetitionSample incumbent = incumbent(trial, history, objective, policy);
        if (incumbent != null) {
            RepetitionSample.Pairs pairs = own.pairedWith(incumbent);
            double difference = pairs.meanDifference();
            double loss = objective.direction().asLoss(difference);
            if (pairs.size() >= 2 && loss > 0) {
                double p = PairedTests.compare(policy.kind(), pairs.x(), pairs.y()).pValue() / 2;
                if (p < policy.alpha()) {
                    return new RacedOut(p, pairs.size(), difference, incumbent.trial().number());
                }
            }
            if (n >= policy.maxRepetitions()) {
                return new Complete();
            }
            if (loss >= 0 && n >= incumbent.count()) {
                return new Complete();
            }
            return new Continue();
        }
        return n >= policy.maxRepetitions() ? new Complete() : new Continue();
    }

    /** The best of the other trials that can be raced against, or null. */
    static RepetitionSample incumbent(Trial trial, List<Trial> history, Objective objective, RacePolicy policy) {
        Comparator<RepetitionSample> best = Comparator
                .comparingDouble((RepetitionSample s) -> objective.direction().asLoss(s.mean()))
                .thenComparing(Comparator.comparingInt(RepetitionSample::count).reversed())
                .thenComparingInt(s -> s.trial().number());
        return history.stream()
                .filter(t -> t.id() != trial.id() && isContender(t))
                .map(t -> RepetitionSample.of(t, objective.metric(), policy.kind()))
                .filter(s -> s != null && s.count() >= policy.minRepetitions())
                .min(best)
                .orElse(null);
    }

    private static boolean isContender(Trial t) {
        return t.state() == TrialState.COMPLETE || t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING;
    }
}
