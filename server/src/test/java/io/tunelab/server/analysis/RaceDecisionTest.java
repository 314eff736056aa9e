package io.tunelab.server.analysis;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.Objective;
import io.tunelab.api.PairedTest;
import io.tunelab.api.Racing;
import io.tunelab.api.Repetition;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RaceDecisionTest {
    private static final Objective LOSS = Objective.minimize("loss");
    private static final RacePolicy SEEDS = new RacePolicy(RepetitionKind.seeds(), 0.05, 2, 5);

    @Test
    void aTrialBelowTheLeastRepetitionsAlwaysGoesOn() {
        Trial incumbent = trial(1, TrialState.COMPLETE, 0.1, 0.1, 0.1, 0.1, 0.1);
        Trial hopeless = trial(2, TrialState.RUNNING, 9.0);

        assertThat(RaceDecision.decide(hopeless, List.of(incumbent, hopeless), LOSS, SEEDS))
                .isInstanceOf(RaceDecision.Continue.class);
    }

    @Test
    void theFirstTrialLeadsAndGathersRepetitionsUpToTheMost() {
        Trial first = trial(1, TrialState.RUNNING, 0.5, 0.6, 0.4);
        assertThat(RaceDecision.decide(first, List.of(first), LOSS, SEEDS)).isInstanceOf(RaceDecision.Continue.class);

        Trial full = trial(1, TrialState.RUNNING, 0.5, 0.6, 0.4, 0.5, 0.5);
        assertThat(RaceDecision.decide(full, List.of(full), LOSS, SEEDS)).isInstanceOf(RaceDecision.Complete.class);
    }

    @Test
    void aChallengerSignificantlyWorseOnTheSharedRepetitionsIsRacedOutWithScipysPValue() {
        Trial incumbent = trial(1, TrialState.COMPLETE, 0.30, 0.41, 0.33, 0.35, 0.36);
        Trial challenger = trial(2, TrialState.RUNNING, 0.50, 0.62, 0.55);

        var verdict = RaceDecision.decide(challenger, List.of(incumbent, challenger), LOSS, SEEDS);

        assertThat(verdict).isInstanceOfSatisfying(RaceDecision.RacedOut.class, out -> {
            // scipy.stats.ttest_rel([0.50, 0.62, 0.55], [0.30, 0.41, 0.33], alternative="greater").pvalue
            assertThat(out.pValue()).isCloseTo(0.0007550019951384081 / 2, within(1e-12));
            assertThat(out.sharedRepetitions()).isEqualTo(3);
            assertThat(out.difference()).isCloseTo(0.21, within(1e-12));
            assertThat(out.incumbentNumber()).isEqualTo(1);
        });
    }

    @Test
    void aChallengerWithinTheNoiseGoesOnUntilItHasAsManyRepetitionsAsTheIncumbent() {
        Trial incumbent = trial(1, TrialState.RUNNING, 0.30, 0.41, 0.33);
        // scipy.stats.ttest_rel([0.50, 0.52], [0.30, 0.41], alternative="greater").pvalue = 0.0899: not significant.
        Trial twoRepetitions = trial(2, TrialState.RUNNING, 0.50, 0.52);
        assertThat(RaceDecision.decide(twoRepetitions, List.of(incumbent, twoRepetitions), LOSS, SEEDS))
                .isInstanceOf(RaceDecision.Continue.class);

        Trial threeRepetitions = trial(2, TrialState.RUNNING, 0.50, 0.52, 0.20);
        assertThat(RaceDecision.decide(threeRepetitions, List.of(incumbent, threeRepetitions), LOSS, SEEDS))
                .isInstanceOf(RaceDecision.Complete.class);
    }

    @Test
    void aChallengerBetterOnTheSharedRepetitionsBecomesTheLeaderAndGoesOnToTheMost() {
        Trial incumbent = trial(1, TrialState.COMPLETE, 0.30, 0.41, 0.33);
        Trial better = trial(2, TrialState.RUNNING, 0.20, 0.30, 0.31, 0.25);
        assertThat(RaceDecision.decide(better, List.of(incumbent, better), LOSS, SEEDS))
                .isInstanceOf(RaceDecision.Continue.class);

        Trial atMost = trial(2, TrialState.RUNNING, 0.20, 0.30, 0.31, 0.25, 0.26);
        assertThat(RaceDecision.decide(atMost, List.of(incumbent, atMost), LOSS, SEEDS))
                .isInstanceOf(RaceDecision.Complete.class);
    }

    @Test
    void theIncumbentIsTheBestMeanAmongContendersWithTheLeastRepetitions() {
        Trial racedOut = trial(1, TrialState.RACED_OUT, 0.01, 0.01);
        Trial pruned = trial(2, TrialState.PRUNED, 0.01, 0.01, 0.01);
        Trial tooFew = trial(3, TrialState.WAITING, 0.01);
        Trial good = trial(4, TrialState.WAITING, 0.30, 0.41, 0.33);
        Trial worse = trial(5, TrialState.COMPLETE, 0.40, 0.45, 0.44);
        Trial me = trial(6, TrialState.RUNNING, 0.5, 0.5);

        RepetitionSample incumbent = RaceDecision.incumbent(me, List.of(racedOut, pruned, tooFew, good, worse, me), LOSS, SEEDS);

        assertThat(incumbent.trial().number()).isEqualTo(4);
    }

    @Test
    void whenMaximizingTheWorseChallengerIsTheLowerOne() {
        Objective accuracy = Objective.maximize("loss");
        Trial incumbent = trial(1, TrialState.COMPLETE, 0.90, 0.91, 0.92);
        Trial lower = trial(2, TrialState.RUNNING, 0.80, 0.78, 0.83);

        var verdict = RaceDecision.decide(lower, List.of(incumbent, lower), accuracy, SEEDS);

        // scipy.stats.ttest_rel([0.80, 0.78, 0.83], [0.90, 0.91, 0.92], alternative="less").pvalue
        assertThat(verdict).isInstanceOfSatisfying(RaceDecision.RacedOut.class,
                out -> assertThat(out.pValue()).isCloseTo(0.012458560242611738 / 2, within(1e-12)));
        // The same gap the other way round is the challenger leading.
        assertThat(RaceDecision.decide(lower, List.of(incumbent, lower), LOSS, SEEDS)).isInstanceOf(RaceDecision.Continue.class);
    }

    @Test
    void aStricterAlphaKeepsAChallengerThatALooserOneRacesOut() {
        Trial incumbent = trial(1, TrialState.COMPLETE, 0.90, 0.91, 0.92);
        Trial lower = trial(2, TrialState.RUNNING, 0.80, 0.78, 0.83);
        var strict = new RacePolicy(RepetitionKind.seeds(), 0.005, 2, 5);

        assertThat(RaceDecision.decide(lower, List.of(incumbent, lower), Objective.maximize("loss"), strict))
                .isInstanceOf(RaceDecision.Complete.class);
    }

    @Test
    void thePolicyComesFromTheSpecAndRefusesWhatDoesNotFitItsRepetitions() {
        var seeds = spec(new Racing(2, 4, null, PairedTest.WILCOXON), null);
        RacePolicy policy = RacePolicy.of(seeds);
        assertThat(policy.kind()).isEqualTo(RepetitionKind.seeds(PairedTest.WILCOXON));
        assertThat(policy.alpha()).isEqualTo(0.05);
        assertThat(RacePolicy.of(spec(null, null))).isNull();

        Map<String, Object> fiveFolds = Map.of("dataset", Map.of("validation", Map.of("folds", 5)));
        assertThat(RacePolicy.of(spec(new Racing(2, 5, 0.1, null), fiveFolds)))
                .isEqualTo(new RacePolicy(RepetitionKind.folds(5), 0.1, 2, 5));
        assertThatThrownBy(() -> RacePolicy.of(spec(new Racing(2, 6, null, null), fiveFolds)))
                .isInstanceOf(TunelabException.class).hasMessageContaining("racing.max_repetitions (6)")
                .hasMessageContaining("give at most 5");
        assertThatThrownBy(() -> RacePolicy.of(spec(new Racing(2, 5, null, PairedTest.PAIRED_T), fiveFolds)))
                .hasMessageContaining("racing.test paired-t").hasMessageContaining("corrected-t");
        assertThatThrownBy(() -> RacePolicy.of(spec(new Racing(2, 5, null, PairedTest.CORRECTED_T), null)))
                .hasMessageContaining("racing.test corrected-t").hasMessageContaining("paired-t or wilcoxon");
    }

    private static ExperimentSpec spec(Racing racing, Map<String, Object> task) {
        return ExperimentSpec.builder("race").minimize("loss").task(task).racing(racing).build();
    }

    private static Trial trial(int number, TrialState state, double... losses) {
        var repetitions = new ArrayList<Repetition>();
        for (int i = 0; i < losses.length; i++) {
            repetitions.add(new Repetition(i, null, Map.of("loss", losses[i])));
        }
        return new Trial(number, 1, number, Map.of(), state, null, repetitions, null, null, null, null, null, null, null,
                null, null);
    }
}
