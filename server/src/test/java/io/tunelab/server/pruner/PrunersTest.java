package io.tunelab.server.pruner;

import io.tunelab.api.Decision;
import io.tunelab.api.Direction;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.PrunerSpec;
import io.tunelab.api.Report;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrunersTest {

    /** A trial with one report per step, values[i] at step i + 1. */
    static Trial trial(int number, TrialState state, double... values) {
        var reports = new ArrayList<Report>();
        for (int i = 0; i < values.length; i++) {
            reports.add(new Report(i + 1, Map.of("loss", values[i]), null));
        }
        return new Trial(number + 1, 1, number, Map.of(), state, Map.of(), null, null, reports, null, null, null, null, null, null, null);
    }

    static Decision decide(Pruner pruner, Trial trial, List<Trial> others) {
        return decide(pruner, trial, others, Direction.MINIMIZE);
    }

    static Decision decide(Pruner pruner, Trial trial, List<Trial> others, Direction direction) {
        int step = trial.reports().getLast().step();
        var all = new ArrayList<>(others);
        all.add(trial);
        return pruner.decide(new PruneContext("loss", direction, trial, step, all, 42));
    }

    static Pruner create(String name, Map<String, Object> options) {
        return Pruners.create(new PrunerSpec(name, options));
    }

    static List<Trial> completed(double... atStepThree) {
        var out = new ArrayList<Trial>();
        for (int i = 0; i < atStepThree.length; i++) {
            out.add(trial(i, TrialState.COMPLETE, 9, 9, atStepThree[i], 9));
        }
        return out;
    }

    @Test
    void medianPrunesATrialWorseThanTheMedianOfCompletedTrialsAtThatStep() {
        var pruner = create("median", Map.of());
        var others = completed(1, 2, 3, 4, 5);
        assertThat(decide(pruner, trial(10, TrialState.RUNNING, 9, 9, 3.5), others)).isEqualTo(Decision.PRUNE);
        assertThat(decide(pruner, trial(10, TrialState.RUNNING, 9, 9, 2.5), others)).isEqualTo(Decision.CONTINUE);
        // The trial's best so far counts, not only its latest value.
        assertThat(decide(pruner, trial(10, TrialState.RUNNING, 9, 1, 3.5), others)).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void medianFollowsTheDirection() {
        var pruner = create("median", Map.of());
        var others = completed(1, 2, 3, 4, 5);
        assertThat(decide(pruner, trial(10, TrialState.RUNNING, 0, 0, 3.5), others, Direction.MAXIMIZE)).isEqualTo(Decision.CONTINUE);
        assertThat(decide(pruner, trial(10, TrialState.RUNNING, 0, 0, 2.5), others, Direction.MAXIMIZE)).isEqualTo(Decision.PRUNE);
    }

    @Test
    void medianWaitsForWarmupStepsAndStartupTrials() {
        var bad = trial(10, TrialState.RUNNING, 9, 9, 8);
        assertThat(decide(create("median", Map.of("warmup_steps", 4)), bad, completed(1, 2, 3, 4, 5))).isEqualTo(Decision.CONTINUE);
        assertThat(decide(create("median", Map.of()), bad, completed(1, 2, 3, 4))).isEqualTo(Decision.CONTINUE);
        assertThat(decide(create("median", Map.of("startup_trials", 4)), bad, completed(1, 2, 3, 4))).isEqualTo(Decision.PRUNE);
    }

    @Test
    void ashaKeepsTheBestThirdAtARungAndLetsTheFirstArrivalGoOn() {
        var pruner = create("asha", Map.of("min_resource", 1, "reduction_factor", 3));
        assertThat(decide(pruner, trial(0, TrialState.RUNNING, 100), List.of())).isEqualTo(Decision.CONTINUE);
        var others = List.of(trial(0, TrialState.PRUNED, 1), trial(1, TrialState.RUNNING, 2), trial(2, TrialState.COMPLETE, 4),
                trial(3, TrialState.PRUNED, 5), trial(4, TrialState.PRUNED, 6));
        // Six at rung 1 (step 1): the best two go on.
        assertThat(decide(pruner, trial(9, TrialState.RUNNING, 1.5), others)).isEqualTo(Decision.CONTINUE);
        assertThat(decide(pruner, trial(9, TrialState.RUNNING, 3), others)).isEqualTo(Decision.PRUNE);
    }

    @Test
    void ashaJudgesOnlyWhenARungIsFirstReached() {
        var pruner = create("asha", Map.of("min_resource", 1, "reduction_factor", 3));
        var others = List.of(trial(0, TrialState.COMPLETE, 1, 1, 1), trial(1, TrialState.COMPLETE, 1, 1, 1),
                trial(2, TrialState.COMPLETE, 1, 1, 1));
        // Step 2 lies between rungs 1 and 3: however bad, the trial goes on.
        assertThat(decide(pruner, trial(9, TrialState.RUNNING, 0.5, 50), others)).isEqualTo(Decision.CONTINUE);
        // At step 3 (rung 3) it is judged against the others' values there.
        assertThat(decide(pruner, trial(9, TrialState.RUNNING, 0.5, 50, 50), others)).isEqualTo(Decision.PRUNE);
        // min_early_stopping_rate 1 moves the first rung to step 3: step 1 is never judged.
        assertThat(decide(create("asha", Map.of("min_early_stopping_rate", 1)), trial(9, TrialState.RUNNING, 50), others))
                .isEqualTo(Decision.CONTINUE);
    }

    /** Losses a + b·exp(−t/tau) at steps 1..steps. */
    static double[] decay(double a, double b, double tau, int steps) {
        double[] v = new double[steps];
        for (int t = 1; t <= steps; t++) {
            v[t - 1] = a + b * Math.exp(-t / tau);
        }
        return v;
    }

    @Test
    void ashaJudgedByCurveLetsASlowStarterStillFallingSteeplyGoOnWhereItsValueAloneWouldStopIt() {
        // Six fast starters that flattened near 0.35 by step 27.
        var others = new ArrayList<Trial>();
        for (int i = 0; i < 6; i++) {
            others.add(trial(i, TrialState.COMPLETE, decay(0.35 + 0.01 * i, 2.2, 2, 27)));
        }
        // At rung 9 the slow starter is at 1.13, last of seven, but falling 0.1 an epoch: it would reach 0.26 by step 27.
        var slow = trial(10, TrialState.RUNNING, decay(0.05, 2.45, 11, 9));
        // A trial that has flattened at 1.0 cannot get there.
        var flat = trial(11, TrialState.RUNNING, decay(1.0, 1.5, 2, 9));
        var byValue = create("asha", Map.of("min_resource", 9));
        var byCurve = create("asha", Map.of("min_resource", 9, "judge_by", "curve"));
        assertThat(decide(byValue, slow, others)).isEqualTo(Decision.PRUNE);
        assertThat(decide(byCurve, slow, others)).isEqualTo(Decision.CONTINUE);
        assertThat(decide(byValue, flat, others)).isEqualTo(Decision.PRUNE);
        assertThat(decide(byCurve, flat, others)).isEqualTo(Decision.PRUNE);
        // Judged by curve in Hyperband too (min_resource 9 and max_resource 26 make one bracket; the horizon is 26).
        var hyperband = create("hyperband", Map.of("min_resource", 9, "max_resource", 26, "judge_by", "curve"));
        assertThat(((HyperbandPruner) hyperband).brackets()).isEqualTo(1);
        assertThat(decide(hyperband, slow, others)).isEqualTo(Decision.CONTINUE);
        assertThat(decide(hyperband, flat, others)).isEqualTo(Decision.PRUNE);
    }

    @Test
    void ashaJudgedByCurveDecidesByValueBeforeACurveHasFivePoints() {
        var others = new ArrayList<Trial>();
        for (int i = 0; i < 6; i++) {
            others.add(trial(i, TrialState.COMPLETE, decay(0.35 + 0.01 * i, 2.2, 2, 27)));
        }
        var slow = trial(10, TrialState.RUNNING, decay(0.05, 2.45, 11, 3));
        assertThat(decide(create("asha", Map.of("min_resource", 3, "judge_by", "curve")), slow, others)).isEqualTo(Decision.PRUNE);
    }

    @Test
    void hyperbandPutsTrialsInBracketsBySeedAndJudgesThemOnlyWithinTheirBracket() {
        var pruner = (HyperbandPruner) create("hyperband", Map.of("min_resource", 1, "max_resource", 81, "reduction_factor", 3));
        assertThat(pruner.brackets()).isEqualTo(5);
        var byBracket = new ArrayList<List<Trial>>();
        for (int b = 0; b < 5; b++) {
            byBracket.add(new ArrayList<>());
        }
        for (int n = 0; n < 400; n++) {
            var t = trial(n, TrialState.COMPLETE, 1);
            byBracket.get(pruner.bracket(42, t)).add(t);
        }
        // The most aggressive bracket gets the most trials, as in Hyperband's budget split.
        assertThat(byBracket.get(0).size()).isGreaterThan(byBracket.get(4).size());
        // A bad trial in bracket 0 (judged from step 1) is pruned by its bracket mates ...
        var mates = byBracket.get(0).subList(0, 6);
        var bad = byBracket.get(0).get(6);
        var badTrial = trial(bad.number(), TrialState.RUNNING, 5);
        assertThat(decide(pruner, badTrial, mates)).isEqualTo(Decision.PRUNE);
        // ... but not by trials of another bracket.
        assertThat(decide(pruner, badTrial, byBracket.get(1).subList(0, 6))).isEqualTo(Decision.CONTINUE);
        // Bracket 4 starts judging at step 81: a bad value at step 1 goes on.
        var late = byBracket.get(4).getFirst();
        assertThat(decide(pruner, trial(late.number(), TrialState.RUNNING, 5), byBracket.get(4).subList(1, 7)))
                .isEqualTo(Decision.CONTINUE);
    }

    @Test
    void outOfRangeAndUnknownOptionsAreRejectedWithTheAllowedValues() {
        assertThatThrownBy(() -> create("asha", Map.of("reduction_factor", 1)))
                .isInstanceOfSatisfying(TunelabException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
                    assertThat(e.getMessage()).contains("reduction_factor", "2", "100");
                });
        assertThatThrownBy(() -> create("median", Map.of("warmup", 3)))
                .hasMessageContaining("pruner.options.warmup: unknown field").hasMessageContaining("warmup_steps");
        assertThatThrownBy(() -> create("hyperband", Map.of("min_resource", 10, "max_resource", 5)))
                .hasMessageContaining("max_resource").hasMessageContaining("min_resource");
        for (String name : List.of("asha", "hyperband")) {
            assertThatThrownBy(() -> create(name, Map.of("judge_by", "trend")))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
                    .hasMessageContaining("pruner.options.judge_by").hasMessageContaining("\"trend\"")
                    .hasMessageContaining("value, curve");
        }
        assertThat(create("asha", Map.of("judge_by", "CURVE"))).isNotNull();
        assertThatThrownBy(() -> create("successive", Map.of()))
                .hasMessageContaining("none, median, asha, hyperband");
    }

    /** Six trials that reached step 9 with losses 1 to 6 at every step. */
    static List<Trial> reachedNine() {
        var out = new ArrayList<Trial>();
        for (int i = 0; i < 6; i++) {
            double[] v = new double[9];
            java.util.Arrays.fill(v, i + 1);
            out.add(trial(i, TrialState.COMPLETE, v));
        }
        return out;
    }

    @Test
    void ashaNeverJudgesARungAtOrPastMaxResourceSoATrialThatTrainedToTheEndIsNotPrunedThere() {
        var others = reachedNine();
        var bad = trial(10, TrialState.RUNNING, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 50);
        // Without max_resource rung 9 judges the last step: the trial is pruned after it trained to the end.
        assertThat(decide(create("asha", Map.of()), bad, others)).isEqualTo(Decision.PRUNE);
        // With max_resource 9 (its last step) that rung is never judged; at 10 it still is.
        assertThat(decide(create("asha", Map.of("max_resource", 9)), bad, others)).isEqualTo(Decision.CONTINUE);
        assertThat(decide(create("asha", Map.of("max_resource", 10)), bad, others)).isEqualTo(Decision.PRUNE);
        // Rungs below max_resource judge as before: bad at rung 3, pruned there.
        var badEarly = trial(10, TrialState.RUNNING, 0.5, 0.5, 50);
        assertThat(decide(create("asha", Map.of("max_resource", 9)), badEarly, others)).isEqualTo(Decision.PRUNE);
        // Steps past max_resource are never judged either.
        var past = trial(10, TrialState.RUNNING, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50,
                50, 50, 50, 50, 50, 50, 50, 50);
        var reached27 = new ArrayList<Trial>();
        for (int i = 0; i < 6; i++) {
            double[] v = new double[27];
            java.util.Arrays.fill(v, i + 1);
            reached27.add(trial(i, TrialState.COMPLETE, v));
        }
        assertThat(decide(create("asha", Map.of()), past, reached27)).isEqualTo(Decision.PRUNE);
        assertThat(decide(create("asha", Map.of("max_resource", 20)), past, reached27)).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void hyperbandNeverJudgesItsMaxResourceSoItsLastBracketTrainsEveryTrialToTheEnd() {
        var pruner = (HyperbandPruner) create("hyperband", Map.of("min_resource", 1, "max_resource", 9, "reduction_factor", 3));
        assertThat(pruner.brackets()).isEqualTo(3);
        var byBracket = new ArrayList<List<Trial>>();
        for (int b = 0; b < 3; b++) {
            byBracket.add(new ArrayList<>());
        }
        for (int n = 0; n < 200; n++) {
            double[] v = new double[9];
            java.util.Arrays.fill(v, 1 + n % 7);
            var t = trial(n, TrialState.COMPLETE, v);
            byBracket.get(pruner.bracket(42, t)).add(t);
        }
        for (int b = 0; b < 3; b++) {
            var mates = byBracket.get(b).subList(0, 6);
            int number = byBracket.get(b).get(6).number();
            // Far worse than its mates at step 9, its last: never pruned there, in any bracket.
            var atEnd = trial(number, TrialState.RUNNING, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 50);
            assertThat(decide(pruner, atEnd, mates)).as("bracket %d", b).isEqualTo(Decision.CONTINUE);
        }
        // Bracket 1 still judges at rung 3.
        var mates = byBracket.get(1).subList(0, 6);
        var early = trial(byBracket.get(1).get(6).number(), TrialState.RUNNING, 0.5, 0.5, 50);
        assertThat(decide(pruner, early, mates)).isEqualTo(Decision.PRUNE);
    }

    @Test
    void ashaMaxResourceOutOfRangeOrNotAboveTheFirstRungIsRejectedSayingWhatIsAllowed() {
        for (Object bad : List.of(0, 1, 1_000_001)) {
            assertThatThrownBy(() -> create("asha", Map.of("max_resource", bad)))
                    .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
                    .hasMessageContaining("pruner.options.max_resource must be from 2 to 1000000").hasMessageContaining("got " + bad);
        }
        assertThatThrownBy(() -> create("asha", Map.of("max_resource", 2.5)))
                .hasMessageContaining("pruner.options.max_resource must be a whole number");
        assertThatThrownBy(() -> create("asha", Map.of("min_resource", 9, "max_resource", 9)))
                .hasMessageContaining("pruner.options.max_resource (9) must be above the first rung")
                .hasMessageContaining("= 9");
        // The first rung counts min_early_stopping_rate: 3 · 3^1 = 9.
        assertThatThrownBy(() -> create("asha", Map.of("min_resource", 3, "min_early_stopping_rate", 1, "max_resource", 8)))
                .hasMessageContaining("must be above the first rung").hasMessageContaining("= 9");
        assertThat(create("asha", Map.of("min_resource", 3, "min_early_stopping_rate", 1, "max_resource", 10))).isNotNull();
        assertThat(create("asha", Map.of("max_resource", "81"))).isNotNull();
    }
}
