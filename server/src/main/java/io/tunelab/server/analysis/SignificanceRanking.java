package io.tunelab.server.analysis;

import io.tunelab.api.Analysis;
import io.tunelab.api.Constraint;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Objective;
import io.tunelab.api.PairedTest;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialRanking;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A leaderboard that names a winner only where the data can: the trial with the best mean is
 * compared with every other complete trial on the repetitions the two share (matched by fold
 * index or by seed) with the test the {@link RepetitionKind} calls for; Holm's correction
 * across those comparisons keeps the chance of calling any tied trial worse at alpha. A trial
 * is then {@code TIED} with the best (not significantly worse), {@code WORSE} (with its
 * adjusted p-value), or {@code UNRANKED} when it shares fewer than two repetitions with the
 * best, which leaves it ordered by value alone.
 *
 * <p>The tests are two-sided: the best was picked for its mean, so a one-sided test in its
 * favour would overstate the evidence. A trial that is significantly different but better on
 * the shared repetitions (possible when the best has repetitions the other lacks) stays tied.
 *
 * <p>With constraints, only the feasible trials are compared and tied: every trial that breaks a
 * constraint comes after them in group {@code INFEASIBLE}, least violation first (then by mean and
 * number), carrying its violation and, in its note, what it breaks.
 *
 * <p>A pure function of its arguments; the order of the input does not matter.
 */
public final class SignificanceRanking {
    /** The family-wise significance level used unless another is given. */
    public static final double DEFAULT_ALPHA = Analysis.DEFAULT_ALPHA;

    private SignificanceRanking() {
    }

    /** {@link #rank(List, Objective, RepetitionKind, double)} at {@link #DEFAULT_ALPHA}. */
    public static TrialRanking rank(List<Trial> trials, Objective objective, RepetitionKind kind) {
        return rank(trials, objective, kind, DEFAULT_ALPHA);
    }

    /**
     * Ranks the complete trials among {@code trials} by {@code objective}; trials that are not
     * complete or have no finite value of the objective's metric are left out. A trial's mean
     * is over its repetitions' values of the metric, or its told value when it has none.
     * The result is ordered by group (best, tied, worse, unranked), then mean (best first),
     * then trial number.
     */
    public static TrialRanking rank(List<Trial> trials, Objective objective, RepetitionKind kind, double alpha) {
        return rank(trials, objective, kind, alpha, false);
    }

    /**
     * As {@link #rank(List, Objective, RepetitionKind, double)}; with {@code raced}, the best is
     * a race's incumbent: the best mean among the trials with the most repetitions. A raced trial
     * that completed on fewer repetitions, compared on the first ones only, may have a better mean
     * for being lucky on them (repetitions share noise across trials); it is compared with the
     * incumbent on the repetitions they share like any other.
     */
    public static TrialRanking rank(List<Trial> trials, Objective objective, RepetitionKind kind, double alpha, boolean raced) {
        Objects.requireNonNull(kind, "kind");
        return rank(trials, objective, t -> kind, kind.test(), alpha, raced);
    }

    /**
     * As {@link #rank(List, Objective, RepetitionKind, double, boolean)} with each trial's own kind
     * of repetition: the folds of its own k when the folds are searched. Two trials are paired only
     * on repetitions of the same kind (folds of the same k), and compared by that kind's test.
     */
    public static TrialRanking rank(List<Trial> trials, Objective objective, Function<Trial, RepetitionKind> kindOf,
                                    PairedTest test, double alpha, boolean raced) {
        Objects.requireNonNull(trials, "trials");
        Objects.requireNonNull(objective, "objective");
        if (!(alpha > 0 && alpha < 1)) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "alpha must lie strictly between 0 and 1, got " + alpha);
        }
        Comparator<RepetitionSample> byMean = Comparator
                .comparingDouble((RepetitionSample s) -> objective.direction().asLoss(s.mean()))
                .thenComparingInt(s -> s.trial().number());
        List<RepetitionSample> samples = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE)
                .map(t -> RepetitionSample.of(t, objective.metric(), kindOf.apply(t)))
                .filter(Objects::nonNull)
                .sorted(byMean)
                .toList();
        if (samples.isEmpty()) {
            return new TrialRanking(objective, test, alpha, List.of());
        }
        int most = samples.stream().mapToInt(RepetitionSample::count).max().orElseThrow();
        RepetitionSample best = raced ? samples.stream().filter(x -> x.count() == most).findFirst().orElseThrow()
                : samples.getFirst();
        List<Comparison> tested = new ArrayList<>();
        List<RankedTrial> ranked = new ArrayList<>();
        ranked.add(new RankedTrial(best.trial().id(), best.trial().number(), RankGroup.BEST, best.mean(), best.count(),
                best.keyed().size(), null, null, null, null));
        for (RepetitionSample other : samples) {
            if (other == best) {
                continue;
            }
            RepetitionSample.Pairs pairs = other.pairedWith(best);
            if (pairs.size() < 2) {
                ranked.add(unranked(other, best, pairs));
            } else {
                RepetitionKind kind = kindOf.apply(other.trial());
                tested.add(new Comparison(other, pairs, PairedTests.compare(kind, pairs.x(), pairs.y()).pValue()));
            }
        }
        double[] adjusted = HolmCorrection.adjust(tested.stream().mapToDouble(Comparison::pValue).toArray());
        for (int i = 0; i < tested.size(); i++) {
            Comparison c = tested.get(i);
            double difference = c.pairs().meanDifference();
            boolean worse = adjusted[i] < alpha && objective.direction().asLoss(difference) > 0;
            ranked.add(new RankedTrial(c.sample().trial().id(), c.sample().trial().number(),
                    worse ? RankGroup.WORSE : RankGroup.TIED, c.sample().mean(), c.sample().count(), c.pairs().size(),
                    difference, c.pValue(), adjusted[i], null));
        }
        ranked.sort(Comparator.comparing(RankedTrial::group)
                .thenComparingDouble(r -> objective.direction().asLoss(r.mean()))
                .thenComparingInt(RankedTrial::number));
        return new TrialRanking(objective, test, alpha, ranked);
    }

    /**
     * As {@link #rank(List, Objective, Function, PairedTest, double, boolean)} under the experiment's
     * {@code constraints}: the feasible complete trials are ranked as there, each marked feasible;
     * the infeasible ones follow in group {@code INFEASIBLE}, least violation first, then by mean,
     * then by number. Without constraints, the same ranking as without them.
     */
    public static TrialRanking rank(List<Trial> trials, Objective objective, Function<Trial, RepetitionKind> kindOf,
                                    PairedTest test, double alpha, boolean raced, List<Constraint> constraints) {
        if (constraints.isEmpty()) {
            return rank(trials, objective, kindOf, test, alpha, raced);
        }
        var feasible = new ArrayList<Trial>();
        var infeasible = new ArrayList<RankedTrial>();
        var violations = new java.util.HashMap<Long, Double>();
        for (Trial t : trials) {
            if (t.state() != TrialState.COMPLETE) {
                continue;
            }
            double violation = Constraint.violation(constraints, t.values());
            if (violation == 0) {
                feasible.add(t);
                continue;
            }
            RepetitionSample sample = RepetitionSample.of(t, objective.metric(), kindOf.apply(t));
            if (sample != null) {
                infeasible.add(new RankedTrial(t.id(), t.number(), RankGroup.INFEASIBLE, sample.mean(), sample.count(), 0, null,
                        null, null, "infeasible: " + Constraint.describe(constraints, t.values()), false, violation));
                violations.put(t.id(), violation);
            }
        }
        var ranked = new ArrayList<RankedTrial>();
        rank(feasible, objective, kindOf, test, alpha, raced).trials().forEach(r -> ranked.add(r.withFeasibility(0)));
        infeasible.sort(Comparator.comparingDouble((RankedTrial r) -> violations.get(r.trialId()))
                .thenComparingDouble(r -> objective.direction().asLoss(r.mean()))
                .thenComparingInt(RankedTrial::number));
        ranked.addAll(infeasible);
        return new TrialRanking(objective, test, alpha, ranked);
    }

    private record Comparison(RepetitionSample sample, RepetitionSample.Pairs pairs, double pValue) {
    }

    private static RankedTrial unranked(RepetitionSample other, RepetitionSample best, RepetitionSample.Pairs pairs) {
        String note = "ranked by value: shares " + pairs.size() + (pairs.size() == 1 ? " repetition" : " repetitions")
                + " with the best trial #" + best.trial().number() + ", and a paired test needs at least 2";
        return new RankedTrial(other.trial().id(), other.trial().number(), RankGroup.UNRANKED, other.mean(), other.count(),
                pairs.size(), pairs.size() == 0 ? null : pairs.meanDifference(), null, null, note);
    }
}
