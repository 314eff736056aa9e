package io.tunelab.server.strategy;

import io.tunelab.server.analysis.Pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-objective TPE's good group, as Optuna 3.1 chooses and weights it
 * ({@code _split_observation_pairs}, {@code _solve_hssp},
 * {@code _calculate_weights_below_for_multi_objective}):
 * <ol>
 *   <li>the feasible trials (complete or raced out, inside the constraints) are peeled into
 *       non-domination ranks; whole ranks join the good group while they fit in γ(n);</li>
 *   <li>the rank that does not fit is cut by greedy hypervolume subset selection: the point
 *       that adds most to the hypervolume of those already picked, again and again, against a
 *       reference point 1.1 × the rank's worst value in each objective;</li>
 *   <li>while fewer than γ(n) feasible trials exist, the rest of the group is filled in
 *       {@link Observation#BEST_FIRST} order (pruned by step, then constrained trials by least
 *       violation); infeasible trials are never good;</li>
 *   <li>each good feasible trial is weighted by its hypervolume contribution to the group
 *       (reference point as above), plus 10⁻¹², divided by the largest; the others get 10⁻¹².</li>
 * </ol>
 * The bad group is every other observation, weighted as in single-objective TPE.
 */
final class ParetoSplit {
    static final double EPS = 1e-12;

    private ParetoSplit() {
    }

    /** The good observations and their weights, in the order chosen (an identity map). */
    static Map<Observation, Double> good(List<Observation> observations, int nBelow) {
        var feasible = new ArrayList<Observation>();
        var rest = new ArrayList<Observation>();
        for (var o : observations) {
            (o.tier() <= Observation.RACED_OUT ? feasible : rest).add(o);
        }
        var chosen = new ArrayList<Observation>();
        var remaining = new ArrayList<>(feasible);
        while (chosen.size() < nBelow && !remaining.isEmpty()) {
            var front = firstFront(remaining);
            remaining.removeAll(front);
            chosen.addAll(chosen.size() + front.size() <= nBelow ? front : subset(front, nBelow - chosen.size()));
        }
        int goodFeasible = chosen.size();
        rest.sort(Observation.BEST_FIRST);
        for (var o : rest) {
            if (chosen.size() == nBelow || o.tier() == Observation.INFEASIBLE) {
                break;
            }
            chosen.add(o);
        }
        var weights = new IdentityHashMap<Observation, Double>();
        double[] w = weights(chosen.subList(0, goodFeasible).stream().map(Observation::losses).toList());
        for (int j = 0; j < chosen.size(); j++) {
            weights.put(chosen.get(j), j < goodFeasible ? w[j] : EPS);
        }
        return weights;
    }

    /**
     * The non-dominated observations among {@code pool}. Sorted by their losses
     * lexicographically, a point can be dominated only by one before it, and if by any, then by
     * one already on the front: one pass against the front so far.
     */
    static List<Observation> firstFront(List<Observation> pool) {
        var sorted = new ArrayList<>(pool);
        sorted.sort(Comparator.comparing(Observation::losses, Arrays::compare));
        var front = new ArrayList<Observation>();
        for (var o : sorted) {
            if (front.stream().noneMatch(f -> Pareto.dominates(f.losses(), o.losses()))) {
                front.add(o);
            }
        }
        return front;
    }

    /**
     * Greedy hypervolume subset selection of {@code size} of a rank's points (Optuna's
     * {@code _solve_hssp}): each pick is the point that adds most to the hypervolume of the
     * points already picked. What a point adds only shrinks as more are picked, so a gain
     * computed in an earlier round bounds the current one from above: only the point on top
     * is brought up to date, until the one on top is current (lazy greedy, the same picks as
     * recomputing every gain each round, and a few hypervolumes per pick instead of one per
     * point; three objectives give large ranks).
     */
    static List<Observation> subset(List<Observation> rank, int size) {
        var losses = rank.stream().map(Observation::losses).toList();
        double[] reference = Hypervolume.referenceFor(losses);
        double[] gain = new double[rank.size()];
        int[] round = new int[rank.size()];
        for (int j = 0; j < gain.length; j++) {
            gain[j] = Hypervolume.of(List.of(losses.get(j)), reference);
        }
        boolean[] taken = new boolean[rank.size()];
        var picked = new ArrayList<double[]>();
        var out = new ArrayList<Observation>();
        double covered = 0;
        while (out.size() < size) {
            int best = -1;
            while (best < 0 || round[best] != out.size()) {
                if (best >= 0) {
                    var with = new ArrayList<>(picked);
                    with.add(losses.get(best));
                    gain[best] = Hypervolume.of(with, reference) - covered;
                    round[best] = out.size();
                }
                best = -1;
                for (int j = 0; j < gain.length; j++) {
                    if (!taken[j] && (best < 0 || gain[j] > gain[best])) {
                        best = j;
                    }
                }
            }
            taken[best] = true;
            picked.add(losses.get(best));
            out.add(rank.get(best));
            covered = Hypervolume.of(picked, reference);
        }
        return out;
    }

    /** Optuna's weights of the good group's feasible losses: hypervolume contribution + ε, over the largest. */
    static double[] weights(List<double[]> losses) {
        if (losses.size() <= 1) {
            return losses.isEmpty() ? new double[0] : new double[]{1.0};
        }
        double[] c = Hypervolume.contributions(losses, Hypervolume.referenceFor(losses));
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c.length; j++) {
            c[j] += EPS;
            max = Math.max(max, c[j]);
        }
        for (int j = 0; j < c.length; j++) {
            c[j] = Math.clamp(c[j] / max, 0, 1);
        }
        return c;
    }
}
