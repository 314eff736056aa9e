package io.tunelab.server.analysis;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.Objective;
import io.tunelab.api.PairedTest;
import io.tunelab.api.RankGroup;
import io.tunelab.api.RankedTrial;
import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialRanking;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SignificanceRankingTest {
    private static final Objective ACCURACY = Objective.maximize("accuracy");
    private static final RepetitionKind.Folds FIVE_FOLDS = RepetitionKind.folds(5);

    @Test
    void trialsWithinTheNoiseOfTheBestAreTiedWithIt() {
        // Six configurations of a demo: means within a point of each other, folds vary by two.
        var trials = List.of(
                folds(1, 0.951, 0.962, 0.944, 0.958, 0.949),
                folds(2, 0.948, 0.966, 0.941, 0.955, 0.952),
                folds(3, 0.955, 0.958, 0.947, 0.961, 0.946),
                folds(4, 0.944, 0.963, 0.949, 0.953, 0.950),
                folds(5, 0.957, 0.955, 0.940, 0.959, 0.951),
                folds(6, 0.949, 0.960, 0.945, 0.962, 0.948));
        TrialRanking ranking = SignificanceRanking.rank(trials, ACCURACY, FIVE_FOLDS);

        assertThat(ranking.test()).isEqualTo(PairedTest.CORRECTED_T);
        assertThat(ranking.alpha()).isEqualTo(SignificanceRanking.DEFAULT_ALPHA);
        assertThat(ranking.trials()).first().satisfies(best -> {
            assertThat(best.number()).isEqualTo(3);
            assertThat(best.group()).isEqualTo(RankGroup.BEST);
            assertThat(best.pValue()).isNull();
        });
        assertThat(ranking.trials().subList(1, ranking.trials().size())).allSatisfy(t -> {
            assertThat(t.group()).isEqualTo(RankGroup.TIED);
            assertThat(t.sharedRepetitions()).isEqualTo(5);
            assertThat(t.adjustedPValue()).isGreaterThanOrEqualTo(t.pValue()).isGreaterThanOrEqualTo(0.05);
        });
        assertThat(ranking.trials()).extracting(RankedTrial::mean).isSortedAccordingTo(Collections.reverseOrder());
    }

    @Test
    void aClearlyWorseTrialIsWorseWithItsHolmAdjustedPValue() {
        Trial best = folds(1, 0.95, 0.96, 0.94, 0.97, 0.95);
        Trial close = folds(2, 0.94, 0.97, 0.95, 0.96, 0.94);
        Trial poor = folds(3, 0.80, 0.82, 0.79, 0.83, 0.81);
        TrialRanking ranking = SignificanceRanking.rank(List.of(poor, close, best), ACCURACY, FIVE_FOLDS);

        double ratio = FIVE_FOLDS.testTrainRatio();
        double pClose = PairedTests.correctedT(values(close), values(best), ratio).pValue();
        double pPoor = PairedTests.correctedT(values(poor), values(best), ratio).pValue();
        double[] adjusted = HolmCorrection.adjust(pClose, pPoor);

        assertThat(ranking.trials()).extracting(RankedTrial::number, RankedTrial::group)
                .containsExactly(tuple(1, RankGroup.BEST), tuple(2, RankGroup.TIED), tuple(3, RankGroup.WORSE));
        RankedTrial worse = ranking.trials().get(2);
        assertThat(worse.pValue()).isEqualTo(pPoor);
        assertThat(worse.adjustedPValue()).isEqualTo(adjusted[1]).isLessThan(0.05);
        assertThat(worse.difference()).isCloseTo(-0.144, within(1e-12));
        assertThat(worse.sharedRepetitions()).isEqualTo(5);
        assertThat(ranking.trials().get(1).adjustedPValue()).isEqualTo(adjusted[0]);
    }

    @Test
    void holmKeepsABorderlineTrialTiedWhenThereAreManyComparisons() {
        Trial best = seeds(1, new long[] {1, 2, 3, 4, 5, 6}, 0.90, 0.91, 0.92, 0.90, 0.93, 0.91);
        // Worse by about 0.01 with some noise: significant alone, not after correcting for six comparisons.
        Trial borderline = seeds(2, new long[] {1, 2, 3, 4, 5, 6}, 0.89, 0.89, 0.922, 0.885, 0.925, 0.898);
        var trials = new ArrayList<>(List.of(best, borderline));
        for (int n = 3; n <= 7; n++) {
            trials.add(seeds(n, new long[] {1, 2, 3, 4, 5, 6}, 0.91, 0.90, 0.91, 0.91, 0.92, 0.90 - n * 0.001));
        }
        double raw = PairedTests.pairedT(values(borderline), values(best)).pValue();
        assertThat(raw).isLessThan(0.05);

        RankedTrial ranked = find(SignificanceRanking.rank(trials, ACCURACY, RepetitionKind.seeds()), 2);
        assertThat(ranked.pValue()).isEqualTo(raw);
        assertThat(ranked.adjustedPValue()).isGreaterThan(0.05);
        assertThat(ranked.group()).isEqualTo(RankGroup.TIED);
    }

    @Test
    void trialsSharingFewerThanTwoRepetitionsAreRankedByValueAndSaySo() {
        Trial best = folds(1, 0.95, 0.96, 0.94, 0.97, 0.95);
        Trial oneFold = trial(2, List.of(new Repetition(3, null, Map.of("accuracy", 0.90))));
        Trial toldValue = trial(3, List.of(), 0.93);
        Trial otherFolds = trial(4, List.of(new Repetition(7, null, Map.of("accuracy", 0.91)),
                new Repetition(8, null, Map.of("accuracy", 0.92))));
        TrialRanking ranking = SignificanceRanking.rank(List.of(oneFold, toldValue, best, otherFolds), ACCURACY, FIVE_FOLDS);

        assertThat(ranking.trials()).extracting(RankedTrial::number).containsExactly(1, 3, 4, 2);
        assertThat(ranking.trials().subList(1, ranking.trials().size())).allSatisfy(t -> {
            assertThat(t.group()).isEqualTo(RankGroup.UNRANKED);
            assertThat(t.pValue()).isNull();
            assertThat(t.adjustedPValue()).isNull();
            assertThat(t.note()).startsWith("ranked by value").contains("best trial #1", "at least 2");
        });
        RankedTrial one = find(ranking, 2);
        assertThat(one.sharedRepetitions()).isEqualTo(1);
        assertThat(one.difference()).isCloseTo(0.90 - 0.97, within(1e-12));
        assertThat(one.note()).contains("shares 1 repetition ");
        RankedTrial told = find(ranking, 3);
        assertThat(told.repetitions()).isZero();
        assertThat(told.mean()).isEqualTo(0.93);
        assertThat(told.difference()).isNull();
    }

    @Test
    void seedsArePairedBySeedNotByPosition() {
        Trial best = seeds(1, new long[] {11, 22, 33}, 0.75, 0.5, 0.625);
        Trial shuffled = seeds(2, new long[] {33, 22, 11}, 0.5, 0.375, 0.625);
        RankedTrial ranked = find(SignificanceRanking.rank(List.of(best, shuffled), ACCURACY, RepetitionKind.seeds()), 2);
        // Matched by seed every difference is exactly -0.125: a certain loss.
        assertThat(ranked.difference()).isEqualTo(-0.125);
        assertThat(ranked.pValue()).isZero();
        assertThat(ranked.group()).isEqualTo(RankGroup.WORSE);
    }

    @Test
    void aTrialBetterOnTheSharedRepetitionsStaysTied() {
        Trial best = folds(1, 0.80, 0.81, 0.82, 0.99, 0.99);
        Trial partial = folds(2, 0.85, 0.86, 0.87);
        RankedTrial ranked = find(SignificanceRanking.rank(List.of(best, partial), ACCURACY, FIVE_FOLDS), 2);
        assertThat(ranked.adjustedPValue()).isLessThan(0.05);
        assertThat(ranked.difference()).isPositive();
        assertThat(ranked.group()).isEqualTo(RankGroup.TIED);
    }

    @Test
    void minimizingPutsTheSmallestLossFirstAndCallsLargerLossesWorse() {
        Objective loss = Objective.minimize("log_loss");
        Trial low = metric(1, "log_loss", 0.20, 0.22, 0.21, 0.19, 0.20);
        Trial high = metric(2, "log_loss", 0.40, 0.43, 0.41, 0.42, 0.40);
        TrialRanking ranking = SignificanceRanking.rank(List.of(high, low), loss, FIVE_FOLDS);
        assertThat(ranking.trials()).extracting(RankedTrial::number, RankedTrial::group)
                .containsExactly(tuple(1, RankGroup.BEST), tuple(2, RankGroup.WORSE));
        assertThat(ranking.trials().get(1).difference()).isPositive();
    }

    @Test
    void alphaDecidesWhatCountsAsWorse() {
        Trial best = seeds(1, new long[] {1, 2, 3, 4}, 0.90, 0.92, 0.91, 0.93);
        Trial other = seeds(2, new long[] {1, 2, 3, 4}, 0.89, 0.905, 0.90, 0.925);
        double p = PairedTests.pairedT(values(other), values(best)).pValue();
        assertThat(p).isBetween(0.01, 0.05);
        assertThat(find(SignificanceRanking.rank(List.of(best, other), ACCURACY, RepetitionKind.seeds(), 0.05), 2).group())
                .isEqualTo(RankGroup.WORSE);
        assertThat(find(SignificanceRanking.rank(List.of(best, other), ACCURACY, RepetitionKind.seeds(), 0.01), 2).group())
                .isEqualTo(RankGroup.TIED);
    }

    @Test
    void wilcoxonCanBeChosenForSeeds() {
        long[] s = {1, 2, 3, 4, 5, 6, 7};
        Trial best = seeds(1, s, 0.90, 0.92, 0.91, 0.93, 0.94, 0.90, 0.92);
        // Every difference is negative and none tie: the exact p is 2 / 2^7.
        Trial other = seeds(2, s, 0.85, 0.86, 0.88, 0.86, 0.92, 0.86, 0.91);
        TrialRanking ranking = SignificanceRanking.rank(List.of(best, other), ACCURACY, RepetitionKind.seeds(PairedTest.WILCOXON));
        assertThat(ranking.test()).isEqualTo(PairedTest.WILCOXON);
        assertThat(ranking.trials().get(1).pValue()).isEqualTo(PairedTests.wilcoxon(values(other), values(best)).pValue())
                .isEqualTo(2.0 / 128);
    }

    @Test
    void onlyCompleteTrialsWithAValueAreRanked() {
        Trial best = folds(1, 0.95, 0.96, 0.94, 0.97, 0.95);
        Trial running = new Trial(102, 1, 2, Map.of(), TrialState.RUNNING, Map.of(), List.of(), null, null, null, null, null,
                null, null, null, null);
        Trial pruned = new Trial(103, 1, 3, Map.of(), TrialState.PRUNED, Map.of("accuracy", 0.99), List.of(), null, null, null,
                null, null, null, null, null, null);
        Trial otherMetric = metric(4, "f1_macro", 0.9, 0.9);
        Trial notANumber = trial(5, List.of(), Double.NaN);
        TrialRanking ranking = SignificanceRanking.rank(List.of(running, pruned, best, otherMetric, notANumber), ACCURACY, FIVE_FOLDS);
        assertThat(ranking.trials()).extracting(RankedTrial::number).containsExactly(1);
        assertThat(SignificanceRanking.rank(List.of(), ACCURACY, FIVE_FOLDS).trials()).isEmpty();
    }

    @Test
    void theOrderOfTheInputDoesNotMatter() {
        var trials = new ArrayList<Trial>();
        Random random = new Random(7);
        for (int n = 1; n <= 12; n++) {
            double[] v = new double[5];
            for (int f = 0; f < 5; f++) {
                v[f] = 0.8 + n * 0.004 + random.nextGaussian() * 0.01;
            }
            trials.add(folds(n, v));
        }
        trials.add(folds(13, 0.5));
        TrialRanking first = SignificanceRanking.rank(trials, ACCURACY, FIVE_FOLDS);
        Collections.shuffle(trials, new Random(1));
        assertThat(SignificanceRanking.rank(trials, ACCURACY, FIVE_FOLDS)).isEqualTo(first);
        assertThat(first.trials()).extracting(RankedTrial::group).isSorted();
        assertThat(first.trials()).extracting(RankedTrial::group).contains(RankGroup.WORSE, RankGroup.TIED, RankGroup.UNRANKED);
    }

    @Test
    void equalMeansAreBrokenByTrialNumber() {
        TrialRanking ranking = SignificanceRanking.rank(List.of(folds(7, 0.9, 0.8), folds(3, 0.8, 0.9)), ACCURACY, FIVE_FOLDS);
        assertThat(ranking.trials()).extracting(RankedTrial::number).containsExactly(3, 7);
    }

    @Test
    void badArgumentsAreRefusedWithWhatWouldBeRight() {
        assertThatThrownBy(() -> SignificanceRanking.rank(List.of(), ACCURACY, FIVE_FOLDS, 1.0))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("strictly between 0 and 1, got 1.0");
        assertThatThrownBy(() -> RepetitionKind.folds(1)).hasMessageContaining("at least 2 folds, got 1");
        assertThatThrownBy(() -> RepetitionKind.seeds(PairedTest.CORRECTED_T))
                .hasMessageContaining("paired-t or wilcoxon, got corrected-t");
    }

    @Test
    void theRankingTravelsAsJson() {
        TrialRanking ranking = SignificanceRanking.rank(List.of(folds(1, 0.95, 0.96, 0.94), folds(2, 0.90, 0.91, 0.92),
                folds(3, 0.5)), ACCURACY, FIVE_FOLDS);
        String json = Json.write(ranking);
        assertThat(json).contains("\"test\":\"corrected-t\"", "\"group\":\"best\"", "\"group\":\"unranked\"");
        assertThat(Json.read(json, TrialRanking.class)).isEqualTo(ranking);
    }

    @Test
    void inARaceTheBestIsTheIncumbentWithTheMostRepetitionsNotATrialLuckyOnTheFirstFew() {
        // Folds 0 and 1 are easy for everyone; #2 stopped there, tied with #1 on them.
        Trial incumbent = folds(1, 0.97, 0.96, 0.90, 0.91, 0.92);
        Trial lucky = folds(2, 0.965, 0.962);
        Trial worse = folds(3, 0.90, 0.89, 0.83, 0.85, 0.84);

        TrialRanking raced = SignificanceRanking.rank(List.of(lucky, incumbent, worse), ACCURACY, FIVE_FOLDS, 0.05, true);

        assertThat(raced.trials()).extracting(RankedTrial::number, RankedTrial::group)
                .containsExactly(tuple(1, RankGroup.BEST), tuple(2, RankGroup.TIED), tuple(3, RankGroup.WORSE));
        assertThat(find(raced, 2).sharedRepetitions()).isEqualTo(2);
        // Without racing the best mean wins, whatever it rests on.
        assertThat(SignificanceRanking.rank(List.of(lucky, incumbent, worse), ACCURACY, FIVE_FOLDS).trials().getFirst().number())
                .isEqualTo(2);
    }

    @Test
    void withSearchedFoldsTrialsPairOnlyWithTrialsOfTheSameKByTheirKsCorrectedTest() {
        Trial best = withK(3, folds(1, 0.95, 0.96, 0.94));
        Trial sameK = withK(3, folds(2, 0.93, 0.95, 0.92));
        Trial otherK = withK(5, folds(3, 0.90, 0.91, 0.92, 0.90, 0.91));
        var policy = new RankingPolicy(RepetitionKind.folds(3), 0.05, true);

        TrialRanking ranking = SignificanceRanking.rank(List.of(best, sameK, otherK), ACCURACY, policy::kindOf,
                PairedTest.CORRECTED_T, 0.05, false);

        assertThat(find(ranking, 1).group()).isEqualTo(RankGroup.BEST);
        assertThat(find(ranking, 2).sharedRepetitions()).isEqualTo(3);
        assertThat(find(ranking, 2).pValue())
                .isEqualTo(PairedTests.correctedT(values(sameK), values(best), 0.5).pValue());
        // Fold 0 of a 5-fold split is not fold 0 of a 3-fold one: nothing is shared.
        assertThat(find(ranking, 3).group()).isEqualTo(RankGroup.UNRANKED);
        assertThat(find(ranking, 3).sharedRepetitions()).isZero();
    }

    private static Trial withK(int k, Trial t) {
        return new Trial(t.id(), t.experimentId(), t.number(), Map.of(RankingPolicy.FOLDS_PARAM, k), t.state(), t.values(),
                t.repetitions(), t.statistics(), null, null, null, null, null, null, null, null);
    }

    private static RankedTrial find(TrialRanking ranking, int number) {
        return ranking.trials().stream().filter(t -> t.number() == number).findFirst().orElseThrow();
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    private static double[] values(Trial t) {
        return t.repetitions().stream().mapToDouble(r -> r.values().values().iterator().next()).toArray();
    }

    private static Trial folds(int number, double... accuracy) {
        return metric(number, "accuracy", accuracy);
    }

    private static Trial metric(int number, String metric, double... values) {
        var reps = new ArrayList<Repetition>();
        for (int i = 0; i < values.length; i++) {
            reps.add(new Repetition(i, null, Map.of(metric, values[i])));
        }
        return trial(number, reps, Arrays.stream(values).average().orElseThrow(), metric);
    }

    private static Trial seeds(int number, long[] seeds, double... accuracy) {
        var reps = new ArrayList<Repetition>();
        for (int i = 0; i < seeds.length; i++) {
            reps.add(new Repetition(null, seeds[i], Map.of("accuracy", accuracy[i])));
        }
        return trial(number, reps, Arrays.stream(accuracy).average().orElseThrow(), "accuracy");
    }

    private static Trial trial(int number, List<Repetition> reps) {
        return trial(number, reps, reps.stream().mapToDouble(r -> r.values().get("accuracy")).average().orElseThrow(), "accuracy");
    }

    private static Trial trial(int number, List<Repetition> reps, double value) {
        return trial(number, reps, value, "accuracy");
    }

    private static Trial trial(int number, List<Repetition> reps, double value, String metric) {
        return new Trial(100 + number, 1, number, Map.of(), TrialState.COMPLETE, Map.of(metric, value), reps, null, null, null,
                null, null, null, null, null, null);
    }
}
