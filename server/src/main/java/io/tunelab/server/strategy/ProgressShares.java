package io.tunelab.server.strategy;

import io.tunelab.api.Constraint;
import io.tunelab.api.Objective;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which member of a portfolio proposes each trial: members take trials in proportion to the
 * progress each has made on this experiment so far, so a member that keeps finding new best
 * values gets more of the budget, on whatever shape of problem, instead of a fixed split chosen
 * on a benchmark.
 *
 * <p>Replayed from the history on every proposal, trial number by trial number: the first
 * {@code 2 × members} trials go round in turn; after that trial k goes to the member whose
 * trial count is furthest below its share, ties to the earlier member. A member's share is a
 * floor of {@link #FLOOR}/members (no member starves: what did not pay early may pay later)
 * plus the rest in proportion to its credit + 1, where each COMPLETE trial that improved on the
 * best value of the trials numbered before it earns its member its {@linkplain #gain gain}: how
 * far it moved the best, in units of the gap between the median and the best of those earlier
 * trials, at most 1. A jump across the spread of values found so far earns 1; a refinement in
 * the last digits earns next to nothing, so a member that only polishes the incumbent does not
 * outbid one that finds new basins. The gain does not change when the objective is shifted or
 * scaled. Credits fade with a half-life of {@link #HALF_LIFE} trials (what pays now counts more
 * than what paid at the start).
 * Only trials finished when the history is read earn credit, so the owners are a function of
 * the history alone: the same history gives the same owners after a restart, and for a
 * sequential experiment they are exactly the members that proposed. With constraints, only a
 * trial that keeps them can improve on the best and earn credit.
 */
final class ProgressShares {
    /** The share of the trials spread evenly whatever the progress. */
    static final double FLOOR = 0.3;
    /** Trials after which a credit counts half. */
    static final double HALF_LIFE = 40;
    private static final double FADE = Math.pow(0.5, 1 / HALF_LIFE);

    private ProgressShares() {
    }

    /** The member (0-based) that proposes trial {@code number}. */
    static int owner(List<Trial> history, int number, int members, Objective objective) {
        return owners(history, number, members, objective)[number];
    }

    /** The member (0-based) that proposes trial {@code number} of an experiment with constraints. */
    static int owner(List<Trial> history, int number, int members, Objective objective, List<Constraint> constraints) {
        return owners(history, number, members, objective, constraints)[number];
    }

    /** The owners of trials 0..number. */
    static int[] owners(List<Trial> history, int number, int members, Objective objective) {
        return owners(history, number, members, objective, List.of());
    }

    /** The owners of trials 0..number, crediting only trials that keep the constraints. */
    static int[] owners(List<Trial> history, int number, int members, Objective objective, List<Constraint> constraints) {
        Map<Integer, Trial> byNumber = new HashMap<>();
        for (Trial t : history) {
            byNumber.put(t.number(), t);
        }
        int[] owners = new int[number + 1];
        int[] count = new int[members];
        double[] credit = new double[members];
        double best = Double.POSITIVE_INFINITY;
        var earlier = new RunningMedian();
        for (int k = 0; k <= number; k++) {
            int owner = k < 2 * members ? k % members : furthestBelowShare(count, credit);
            owners[k] = owner;
            count[owner]++;
            for (int m = 0; m < members; m++) {
                credit[m] *= FADE;
            }
            Trial t = byNumber.get(k);
            if (t != null && t.state() == TrialState.COMPLETE && Constraint.violation(constraints, t.values()) == 0) {
                Double v = t.value(objective.metric());
                if (v != null && Double.isFinite(v)) {
                    double loss = objective.direction().asLoss(v);
                    if (loss < best) {
                        credit[owner] += Double.isInfinite(best) ? 0 : gain(best, loss, earlier.median());
                        best = loss;
                    }
                    earlier.add(loss);
                }
            }
        }
        return owners;
    }

    /**
     * The credit for improving the best from {@code best} to {@code loss} when the earlier
     * trials' median is {@code median}: (best − loss) / (median − best), at most 1; 1 when the
     * median is the best (every earlier value equal), since then any improvement is a jump.
     */
    static double gain(double best, double loss, double median) {
        return median > best ? Math.min(1, (best - loss) / (median - best)) : 1;
    }

    private static int furthestBelowShare(int[] count, double[] credit) {
        int members = count.length;
        double total = members;
        for (double c : credit) {
            total += c;
        }
        int chosen = 0;
        double lowest = Double.POSITIVE_INFINITY;
        for (int m = 0; m < members; m++) {
            double share = FLOOR / members + (1 - FLOOR) * (credit[m] + 1) / total;
            double load = (count[m] + 1) / share;
            if (load < lowest) {
                lowest = load;
                chosen = m;
            }
        }
        return chosen;
    }
}
