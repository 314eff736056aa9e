package io.tunelab.server.strategy;

import io.tunelab.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Multi-objective TPE's good group on small fronts whose ranks, subset selection and weights
 * were worked out by hand. Losses: A (1, 5), B (2, 3), C (4, 1) form the first front; D (3, 4)
 * is dominated by B only; E (5, 5) by every other.
 */
class ParetoSplitTest {
    static Observation observation(int number, int tier, double violation, double... losses) {
        return new Observation(InProcessExperiment.trial(number, Map.of(), TrialState.COMPLETE, Map.of()),
                new double[]{number / 10.0}, losses, tier, 0, violation);
    }

    static Observation feasible(int number, double... losses) {
        return observation(number, Observation.COMPLETE, 0, losses);
    }

    static final List<Observation> FIVE = List.of(feasible(0, 3, 4), feasible(1, 1, 5), feasible(2, 5, 5),
            feasible(3, 2, 3), feasible(4, 4, 1));

    static List<Integer> numbers(Iterable<Observation> observations) {
        var out = new ArrayList<Integer>();
        observations.forEach(o -> out.add(o.trial().number()));
        return out;
    }

    @Test
    void theFirstFrontIsTheNonDominatedPoints() {
        assertThat(numbers(ParetoSplit.firstFront(FIVE))).containsExactlyInAnyOrder(1, 3, 4);
        assertThat(numbers(ParetoSplit.firstFront(List.of(FIVE.get(0), FIVE.get(2))))).containsExactly(0);
    }

    @Test
    void equalLossesDominateNeitherOther() {
        assertThat(numbers(ParetoSplit.firstFront(List.of(feasible(0, 1, 2), feasible(1, 1, 2))))).containsExactlyInAnyOrder(0, 1);
        assertThat(numbers(ParetoSplit.firstFront(List.of(feasible(0, 1, 3), feasible(1, 1, 2))))).containsExactly(1);
    }

    @Test
    void wholeRanksJoinTheGoodGroupWhileTheyFit() {
        assertThat(numbers(ParetoSplit.good(FIVE, 3).keySet())).containsExactlyInAnyOrder(1, 3, 4);
        assertThat(numbers(ParetoSplit.good(FIVE, 4).keySet())).containsExactlyInAnyOrder(0, 1, 3, 4);
        assertThat(ParetoSplit.good(FIVE, 5)).hasSize(5);
    }

    /**
     * Reference (4.4, 5.5). Alone, A covers 3.4 × 0.5 = 1.7, B 2.4 × 2.5 = 6.0, C 0.4 × 4.5 = 1.8:
     * B first. What B leaves of A's region is 0.5, of C's 1.8 − 0.4 × 2.5 = 0.8: C second.
     */
    @Test
    void aRankThatDoesNotFitIsCutByGreedyHypervolumeSubsetSelection() {
        assertThat(numbers(ParetoSplit.good(FIVE, 2).keySet())).containsExactlyInAnyOrder(3, 4);
        assertThat(numbers(ParetoSplit.good(FIVE, 1).keySet())).containsExactly(3);
        assertThat(numbers(ParetoSplit.subset(ParetoSplit.firstFront(FIVE), 2))).containsExactly(3, 4);
    }

    /**
     * Reference (4.4, 5.5); the three cover 7.3 together, 6.8 without A, 3.3 without B, 6.5
     * without C: contributions 0.5, 4.0 and 0.8, over the largest.
     */
    @Test
    void goodTrialsAreWeightedByTheirHypervolumeContributionOverTheLargest() {
        var weights = ParetoSplit.good(FIVE, 3);
        var byNumber = new java.util.HashMap<Integer, Double>();
        weights.forEach((o, w) -> byNumber.put(o.trial().number(), w));
        assertThat(byNumber.get(1)).isCloseTo(0.125, within(1e-9));
        assertThat(byNumber.get(3)).isCloseTo(1.0, within(1e-9));
        assertThat(byNumber.get(4)).isCloseTo(0.2, within(1e-9));
        assertThat(ParetoSplit.weights(List.of(new double[]{1, 1}))).containsExactly(1.0);
    }

    /**
     * The lazy greedy picks what recomputing every gain each round picks (Optuna's loop, written
     * out here): on random three-objective fronts of 40–80 points, subsets of 5 to 25.
     */
    @Test
    void lazySubsetSelectionPicksWhatTheEagerGreedyPicks() {
        var rng = new java.util.SplittableRandom(11);
        for (int round = 0; round < 6; round++) {
            var pool = new ArrayList<Observation>();
            for (int j = 0; j < 40 + 8 * round; j++) {
                double a = rng.nextDouble() * Math.PI / 2;
                double b = rng.nextDouble() * Math.PI / 2;
                double r = 1 + 0.1 * rng.nextDouble();
                pool.add(feasible(j, r * Math.cos(a) * Math.cos(b), r * Math.cos(a) * Math.sin(b), r * Math.sin(a)));
            }
            var front = ParetoSplit.firstFront(pool);
            int size = Math.min(front.size() - 1, 5 + 4 * round);
            assertThat(numbers(ParetoSplit.subset(front, size))).as("round " + round).isEqualTo(numbers(eager(front, size)));
        }
    }

    private static List<Observation> eager(List<Observation> rank, int size) {
        var losses = rank.stream().map(Observation::losses).toList();
        double[] reference = Hypervolume.referenceFor(losses);
        var picked = new ArrayList<double[]>();
        var out = new ArrayList<Observation>();
        while (out.size() < size) {
            int best = -1;
            double bestGain = -1;
            double covered = Hypervolume.of(picked, reference);
            for (int j = 0; j < rank.size(); j++) {
                if (!out.contains(rank.get(j))) {
                    var with = new ArrayList<>(picked);
                    with.add(losses.get(j));
                    double gain = Hypervolume.of(with, reference) - covered;
                    if (gain > bestGain) {
                        best = j;
                        bestGain = gain;
                    }
                }
            }
            picked.add(losses.get(best));
            out.add(rank.get(best));
        }
        return out;
    }

    @Test
    void constrainedTrialsFillTheGroupOnlyWhileTooFewTrialsAreFeasibleAndInfeasibleOnesNever() {
        var constrained = observation(5, Observation.CONSTRAINED, 0.5, 0, 0);
        var worse = observation(6, Observation.CONSTRAINED, 2.0, 0, 0);
        var infeasible = observation(7, Observation.INFEASIBLE, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        var all = new ArrayList<>(FIVE);
        all.addAll(List.of(worse, infeasible, constrained));
        assertThat(numbers(ParetoSplit.good(all, 3).keySet())).containsExactlyInAnyOrder(1, 3, 4);

        var few = List.of(FIVE.get(1), worse, infeasible, constrained);
        var good = ParetoSplit.good(few, 4);
        assertThat(numbers(good.keySet())).containsExactlyInAnyOrder(1, 5, 6);
        assertThat(good.get(FIVE.get(1))).isEqualTo(1.0);
        assertThat(good.get(constrained)).isEqualTo(ParetoSplit.EPS);
    }
}
